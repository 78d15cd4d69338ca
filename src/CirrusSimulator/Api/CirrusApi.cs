using System.Globalization;
using CirrusSimulator.Simulation;

namespace CirrusSimulator.Api;

/// <summary>The four Cirrus endpoints the exporter polls, with the vendor's paths, parameters and envelope.</summary>
internal static class CirrusApi
{
    private const int MaxPageSize = 100;

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/stats/streams", StreamStats).WithMetadata(CirrusEndpoint.StreamStats);
        routes.MapGet("/stats/streamsSLAExceptions", SlaExceptions).WithMetadata(CirrusEndpoint.SlaExceptions);
        routes.MapGet("/streams/{streamId}/streamavailability", Availability).WithMetadata(CirrusEndpoint.Availability);
        // The older documented form carries the flag in the path: .../streamavailability/false
        routes.MapGet("/streams/{streamId}/streamavailability/{ignoreAutomationExsistance}", Availability)
            .WithMetadata(CirrusEndpoint.Availability);
        routes.MapGet("/streams/{streamId}/substreams/{subStreamId}/streamavailability", Availability)
            .WithMetadata(CirrusEndpoint.Availability);
        routes.MapGet("/streams/{streamId}/objects", Objects).WithMetadata(CirrusEndpoint.Objects);
    }

    private static Task StreamStats(HttpContext context)
    {
        var tenant = Tenant(context);
        return Success(context, tenant, tenant.StreamStats());
    }

    private static Task SlaExceptions(HttpContext context)
    {
        var tenant = Tenant(context);
        return Success(context, tenant, tenant.SlaExceptions());
    }

    private static Task Availability(HttpContext context)
    {
        var tenant = Tenant(context);
        if (!TryRouteId(context, "streamId", out var streamId))
        {
            return Error(context, tenant, StatusCodes.Status404NotFound);
        }
        long? subStreamId = null;
        if (context.Request.RouteValues.ContainsKey("subStreamId"))
        {
            if (!TryRouteId(context, "subStreamId", out var sub))
            {
                return Error(context, tenant, StatusCodes.Status404NotFound);
            }
            subStreamId = sub;
        }
        var ignoreText = context.Request.RouteValues["ignoreAutomationExsistance"] as string
            ?? context.Request.Query["ignoreAutomationExsistance"].ToString();
        if (!TryBool(ignoreText, out var ignoreAutomation)
            || !TryBool(context.Request.Query["autoAssign"].ToString(), out var autoAssign))
        {
            return Error(context, tenant, StatusCodes.Status400BadRequest);
        }
        return tenant.Availability(streamId, subStreamId, ignoreAutomation, autoAssign) is { } state
            ? Success(context, tenant, CirrusJson.Availability(state))
            : Error(context, tenant, StatusCodes.Status404NotFound);
    }

    private static Task Objects(HttpContext context)
    {
        var tenant = Tenant(context);
        if (!TryRouteId(context, "streamId", out var streamId))
        {
            return Error(context, tenant, StatusCodes.Status404NotFound);
        }
        var query = ParseObjectsQuery(streamId, context.Request.Query);
        if (query is null)
        {
            return Error(context, tenant, StatusCodes.Status400BadRequest);
        }
        return tenant.Objects(query) is { } page
            ? Success(context, tenant, page)
            : Error(context, tenant, StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// The query, or null when it is invalid; the time range is required (the objects call must be limited).
    /// </summary>
    internal static ObjectsQuery? ParseObjectsQuery(long streamId, IQueryCollection query)
    {
        if (!long.TryParse(query["unixStartTime"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(query["unixEndTime"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var end)
            || start < 0 || end < start || end > DateTimeOffset.MaxValue.ToUnixTimeSeconds() - 1)
        {
            return null;
        }
        HashSet<int>? statuses = null;
        var statusText = query["status"].ToString();
        if (statusText.Length > 0)
        {
            statuses = [];
            foreach (var part in statusText.Split(',', StringSplitOptions.TrimEntries
                | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var status))
                {
                    return null;
                }
                statuses.Add(status);
            }
        }
        bool? descending = query["sort"].ToString().ToLowerInvariant() switch
        {
            "" or "desc" => true,
            "asc" => false,
            _ => null,
        };
        ObjectOrder? order = query["order"].ToString().ToLowerInvariant() switch
        {
            "" or "createdtime" or "prioritytime" => ObjectOrder.CreatedTime,
            "closedtime" => ObjectOrder.ClosedTime,
            "updatedtime" => ObjectOrder.UpdatedTime,
            _ => null,
        };
        if (descending is null || order is null
            || !TryInt(query["pageNumber"], 0, out var pageNumber) || pageNumber < 0
            || !TryInt(query["pageSize"], MaxPageSize, out var pageSize) || pageSize < 1
            || !TryLong(query["subStream"], 0, out var subStream))
        {
            return null;
        }
        return new ObjectsQuery(streamId, subStream, start, end, statuses, order.Value, descending.Value, pageNumber,
            Math.Min(pageSize, MaxPageSize));
    }

    private static Tenant Tenant(HttpContext context) => context.RequestServices.GetRequiredService<Tenant>();

    private static Task Success(HttpContext context, Tenant tenant, byte[] data) =>
        Http.WriteJsonAsync(context, StatusCodes.Status200OK, CirrusJson.Success(tenant.Now, data));

    private static Task Error(HttpContext context, Tenant tenant, int status) =>
        Http.WriteJsonAsync(context, status, CirrusJson.Error(status, tenant.Now));

    private static bool TryRouteId(HttpContext context, string name, out long id) =>
        long.TryParse(context.Request.RouteValues[name] as string, NumberStyles.None, CultureInfo.InvariantCulture,
            out id);

    private static bool TryBool(string text, out bool value)
    {
        value = false;
        return text.Length == 0 || bool.TryParse(text, out value);
    }

    private static bool TryInt(string? text, int fallback, out int value)
    {
        value = fallback;
        return string.IsNullOrEmpty(text)
            || int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryLong(string? text, long fallback, out long value)
    {
        value = fallback;
        return string.IsNullOrEmpty(text)
            || long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }
}
