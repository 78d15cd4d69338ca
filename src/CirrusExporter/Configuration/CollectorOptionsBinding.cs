using System.Diagnostics.CodeAnalysis;

namespace CirrusExporter.Configuration;

/// <summary>
/// A collector's options type and how its section is bound. The bind call is written in the collector's own file,
/// where the type is concrete, so the configuration binder's generated code (not reflection) handles it.
/// </summary>
public sealed class CollectorOptionsBinding
{
    private readonly Func<CollectorOptions> _create;
    private readonly Func<IConfiguration, CollectorOptions?> _bind;

    private CollectorOptionsBinding([DynamicallyAccessedMembers(ConfigurationKeys.Walked)] Type type,
        Func<CollectorOptions> create, Func<IConfiguration, CollectorOptions?> bind) =>
        (Type, _create, _bind) = (type, create, bind);

    /// <summary>Kept whole by the trimmer: the key walk (docs, unknown-key check) reads its properties.</summary>
    [DynamicallyAccessedMembers(ConfigurationKeys.Walked)]
    public Type Type { get; }

    /// <summary>The defaults, as the docs show them.</summary>
    public CollectorOptions Create() => _create();

    /// <summary>The options bound from the collector's section; the defaults when the section is absent.</summary>
    public CollectorOptions Bind(IConfiguration section) => _bind(section) ?? _create();

    /// <param name="bind">Usually <c>section => section.Get&lt;TOptions&gt;()</c>.</param>
    public static CollectorOptionsBinding Of<[DynamicallyAccessedMembers(ConfigurationKeys.Walked)] TOptions>(
        Func<IConfiguration, TOptions?> bind)
        where TOptions : CollectorOptions, new() =>
        new(typeof(TOptions), () => new TOptions(), bind);
}

/// <summary>
/// A collector as the configuration sees it: its section under <c>Cirrus:Collectors</c> and its options type. The
/// collectors' descriptors are these; the configuration takes them as arguments and never lists them itself.
/// </summary>
public interface ICollectorSection
{
    /// <summary>Its key under <c>Cirrus:Collectors</c>.</summary>
    string Section { get; }

    CollectorOptionsBinding OptionsBinding { get; }
}
