using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CirrusSimulator.Api;
using CirrusSimulator.Simulation;

namespace CirrusSimulator.Admin;

/// <summary>The simulator's own control surface under /admin: faults, forced SLA breaches, call counts.</summary>
internal static class AdminApi
{
    private const int MaxInjected = 10_000;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin").WithMetadata(AdminEndpoint.Instance);
        admin.MapGet("", Describe);
        admin.MapGet("/faults",
            context => Json(context, 200, Service<FaultState>(context).Current, AdminJsonContext.Default.Faults));
        admin.MapPost("/faults", UpdateFaults);
        admin.MapPost("/faults/reset", context =>
        {
            Service<FaultState>(context).Set(Faults.None);
            return Json(context, 200, Faults.None, AdminJsonContext.Default.Faults);
        });
        admin.MapPost("/streams/{streamId}/breach", InjectBreach);
        admin.MapGet("/conversations", ConversationTruth);
        admin.MapGet("/calls", context => Json(context, 200, Service<CallCounter>(context).Snapshot(),
            AdminJsonContext.Default.DictionaryStringInt64));
        admin.MapPost("/calls/reset", context =>
        {
            var calls = Service<CallCounter>(context);
            calls.Reset();
            return Json(context, 200, calls.Snapshot(), AdminJsonContext.Default.DictionaryStringInt64);
        });
    }

    /// <summary>?since=unix seconds (default: everything stored).</summary>
    private static Task ConversationTruth(HttpContext context)
    {
        var text = context.Request.Query["since"].ToString();
        long seconds = 0;
        if (text.Length > 0 && (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()))
        {
            return Error(context, StatusCodes.Status400BadRequest, "since must be unix seconds");
        }
        return Json(context, 200,
            Service<Tenant>(context).ConversationTruth(DateTimeOffset.FromUnixTimeSeconds(seconds)),
            AdminJsonContext.Default.ListConversationTruth);
    }

    private static Task Describe(HttpContext context)
    {
        var options = Service<SimulatorOptions>(context);
        var summary = new AdminSummary(options.Seed, options.SpeedFactor, options.LargeTenantStreams,
            Service<FaultState>(context).Current,
            Service<CallCounter>(context).Snapshot(), Service<Tenant>(context).Describe());
        return Json(context, 200, summary, AdminJsonContext.Default.AdminSummary);
    }

    /// <summary>Changes only the settings given as query parameters, e.g. ?errorRate=0.2&amp;latencyMs=500.</summary>
    private static Task UpdateFaults(HttpContext context)
    {
        var state = Service<FaultState>(context);
        var query = context.Request.Query;
        var faults = state.Current;
        try
        {
            faults = faults with
            {
                LatencyMs = Read(query, "latencyMs", faults.LatencyMs, int.Parse, v => v is >= 0 and <= 600_000),
                ErrorRate = Read(query, "errorRate", faults.ErrorRate, ParseDouble, IsFraction),
                ThrottleRate = Read(query, "throttleRate", faults.ThrottleRate, ParseDouble, IsFraction),
                RetryAfterSeconds = Read(query, "retryAfterSeconds", faults.RetryAfterSeconds, int.Parse, v => v >= 0),
                TokenRevoked = Read(query, "tokenRevoked", faults.TokenRevoked, bool.Parse, _ => true),
                MalformedRate = Read(query, "malformedRate", faults.MalformedRate, ParseDouble, IsFraction),
                RateLimitPerSecond = Read(query, "rateLimitPerSecond", faults.RateLimitPerSecond, int.Parse,
                    v => v >= 0),
            };
        }
        catch (FormatException e)
        {
            return Error(context, 400, e.Message);
        }
        state.Set(faults);
        return Json(context, 200, faults, AdminJsonContext.Default.Faults);
    }

    private static Task InjectBreach(HttpContext context)
    {
        var query = context.Request.Query;
        long streamId;
        int count;
        long? subStreamId;
        double holdSeconds;
        try
        {
            streamId = long.Parse((string)context.Request.RouteValues["streamId"]!, CultureInfo.InvariantCulture);
            count = Read(query, "count", 1, int.Parse, v => v is >= 1 and <= MaxInjected);
            subStreamId = query.ContainsKey("subStreamId")
                ? Read(query, "subStreamId", 0L, long.Parse, _ => true) : null;
            holdSeconds = Read(query, "holdSeconds", 900.0, ParseDouble, v => v >= 0);
        }
        catch (FormatException e)
        {
            return Error(context, 400, e.Message);
        }
        return Service<Tenant>(context)
            .InjectBreach(streamId, subStreamId, count, TimeSpan.FromSeconds(holdSeconds)) switch
        {
            InjectResult.Injected => Json(context, 200, new BreachInjected(streamId, count),
                AdminJsonContext.Default.BreachInjected),
            InjectResult.InactiveStream => Error(context, 409, $"stream {streamId} is inactive"),
            _ => Error(context, 404, $"unknown stream {streamId} or sub-stream"),
        };
    }

    private static T Read<T>(IQueryCollection query, string name, T current, Func<string, T> parse, Func<T, bool> valid)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return current;
        }
        T value;
        try
        {
            value = parse(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new FormatException($"{name}: '{text}' is not a valid value");
        }
        return valid(value) ? value : throw new FormatException($"{name}: {text} is out of range");
    }

    private static double ParseDouble(string text)
        => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static bool IsFraction(double value) => value is >= 0 and <= 1;

    private static T Service<T>(HttpContext context) where T : notnull
        => context.RequestServices.GetRequiredService<T>();

    private static Task Json<T>(HttpContext context, int status, T body, JsonTypeInfo<T> type) =>
        Http.WriteJsonAsync(context, status, JsonSerializer.SerializeToUtf8Bytes(body, type));

    internal static Task Error(HttpContext context, int status, string message) =>
        Json(context, status, new AdminError(message), AdminJsonContext.Default.AdminError);
}
