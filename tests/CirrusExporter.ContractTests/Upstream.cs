using Microsoft.AspNetCore.Builder;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace CirrusExporter.ContractTests;

/// <summary>
/// A WireMock.Net stand-in for the Cirrus API on 127.0.0.1, with helpers for the envelope. Every response carries a
/// <c>Date</c> header from <see cref="Clock"/>, the API's clock, which the exporter measures its own against.
/// </summary>
public sealed class Upstream : IDisposable
{
    public Upstream(TimeProvider? clock = null)
    {
        Clock = clock ?? TimeProvider.System;
        Server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = ["http://127.0.0.1:0"],
            PreWireMockMiddlewareInit = app => ((IApplicationBuilder)app).Use((context, next) =>
            {
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.Date = Clock.GetUtcNow().ToString("r");
                    return Task.CompletedTask;
                });
                return next(context);
            }),
        });
    }

    public WireMockServer Server { get; }

    /// <summary>
    /// The API's clock: tests with a fake exporter clock share it here, so both agree unless a test says otherwise.
    /// </summary>
    public TimeProvider Clock { get; set; }

    public string Url => Server.Urls[0];

    public static string Envelope(string data, string status = "200") =>
        $$"""{"status":{{status}},"description":"Operation successful","response_time":"2026-11-27T09:15:"""
            + $$"""02.1234567Z","data":{{data}}}""";

    public static string Sample(string file) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "api-samples", file));

    public void Json(string path, string body, int status = 200) =>
        Server.Given(Request.Create().WithPath(path).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
                .WithBody(body));

    public void Respond(string path, Func<IResponseBuilder, IResponseBuilder> response) =>
        Server.Given(Request.Create().WithPath(path).UsingGet()).RespondWith(response(Response.Create()));

    /// <summary>Answers the listed responses in order, the last one from then on.</summary>
    public void Sequence(string path, params Func<IResponseBuilder, IResponseBuilder>[] responses)
    {
        for (var i = 0; i < responses.Length; i++)
        {
            // Lower numbers win: a later step, once its state is reached, must beat the unconditional first step.
            var mapping = Server.Given(Request.Create().WithPath(path).UsingGet()).AtPriority(responses.Length - i)
                .InScenario(path);
            if (i > 0) mapping = mapping.WhenStateIs($"s{i}");
            // The last step re-asserts its state; without a transition WireMock falls back to the first step.
            mapping = mapping.WillSetStateTo($"s{Math.Min(i + 1, responses.Length - 1)}");
            mapping.RespondWith(responses[i](Response.Create()));
        }
    }

    public int Calls(string path) => Server.LogEntries.Count(e => e.RequestMessage.Path == path);

    public IReadOnlyList<IDictionary<string, WireMock.Types.WireMockList<string>>> Queries(string path) =>
        Server.LogEntries.Where(e => e.RequestMessage.Path == path).Select(e => e.RequestMessage.Query!).ToList();

    public void Dispose() => Server.Stop();
}
