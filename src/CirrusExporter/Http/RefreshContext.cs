using System.Net;

namespace CirrusExporter.Http;

/// <summary>
/// What the HTTP pipeline saw during one collector refresh: retries and the first failure per kind.
/// Flows through async calls, so the resilience callbacks report into the refresh that caused them.
/// </summary>
public sealed class RefreshContext
{
    private static readonly AsyncLocal<RefreshContext?> CurrentContext = new();
    private int _retries;
    private int _authFailures;

    public static RefreshContext? Current => CurrentContext.Value;

    public int Retries => Volatile.Read(ref _retries);

    public int AuthFailures => Volatile.Read(ref _authFailures);

    public static RefreshContext Begin() => CurrentContext.Value = new RefreshContext();

    public static void End() => CurrentContext.Value = null;

    public void RecordRetry() => Interlocked.Increment(ref _retries);

    public void RecordStatus(HttpStatusCode code)
    {
        if (code is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) Interlocked.Increment(ref _authFailures);
    }
}
