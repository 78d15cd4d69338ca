using System.Runtime.CompilerServices;
using CirrusExporter.Snapshot;

namespace CirrusExporter.UnitTests;

internal static class PoisonedChunks
{
    /// <summary>
    /// The tests run the Release build: poison returned chunks anyway, so a read after return throws.
    /// </summary>
    [ModuleInitializer]
    internal static void Enable() => Chunks.Poisoned = true;
}
