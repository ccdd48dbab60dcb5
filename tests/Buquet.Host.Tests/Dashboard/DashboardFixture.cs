using System.Net;
using System.Text.RegularExpressions;
using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Host.Dashboard;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Host.Tests.Dashboard;

/// <summary>A real Kestrel dashboard on an ephemeral port over an in-memory versioned bucket, with a fake clock.</summary>
internal sealed partial class DashboardFixture : IAsyncDisposable
{
    private DashboardFixture(DashboardServer server, BuquetClient client, RequestCountingObjectStore store, FakeTimeProvider time, string? token)
    {
        Server = server;
        Client = client;
        Store = store;
        Time = time;
        Token = token;
        var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies, UseCookies = true };
        Http = new HttpClient(handler) { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(20) };
    }

    public DashboardServer Server { get; }

    public BuquetClient Client { get; }

    public RequestCountingObjectStore Store { get; }

    public FakeTimeProvider Time { get; }

    public string? Token { get; }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Http { get; }

    public static async Task<DashboardFixture> StartAsync(string bindAddress = "127.0.0.1", string? token = null, bool noAuth = false, BuquetClientOptions? clientOptions = null, Buquet.Actors.Protocol.IFleetSignals? fleet = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
        var store = new RequestCountingObjectStore(new InMemoryObjectStore(time));
        var client = new BuquetClient(store, clientOptions ?? new BuquetClientOptions(), null, time, null, fleet);
        var options = new BuquetOptions();
        options.Dashboard.BindAddress = bindAddress;
        options.Dashboard.Port = 0;
        options.Dashboard.AccessToken = token ?? string.Empty;
        options.Dashboard.NoAuth = noAuth;
        var server = DashboardServer.Create(options, store, client, null, time, new DashboardCacheOptions { RefreshInterval = TimeSpan.FromMinutes(10) });
        await server.StartAsync();
        await server.WaitUntilWarmAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return new DashboardFixture(server, client, store, time, token);
    }

    /// <summary>One bounded cache refresh (what the background loop does every interval).</summary>
    public Task RefreshAsync() => Server.Runtime.Cache.RefreshAsync();

    public async Task<TaskRecord> FailedTaskAsync(string type, string error)
    {
        var task = await Client.SubmitAsync(type, new { n = 1 }, new SubmitOptions { MaxRetries = 0 });
        var claim = await Client.Repository.ClaimAsync(task.Id, "worker-test");
        Assert.True(claim.Claimed, claim.Message);
        var failed = await Client.Repository.FailAsync(claim.Snapshot!, error);
        Assert.True(failed.Succeeded, failed.Message);
        return failed.Snapshot!.Task;
    }

    public async Task<string> GetHtmlAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>Opens the confirmation page of an action and posts its form (with the anti-forgery token).</summary>
    public async Task<HttpResponseMessage> ConfirmActionAsync(Guid id, string action)
    {
        var confirm = await GetHtmlAsync($"/tasks/{id:D}/actions/{action}");
        var token = AntiforgeryToken().Match(confirm);
        Assert.True(token.Success, "no anti-forgery field on the confirmation page");
        using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value))]);
        return await Http.PostAsync(new Uri($"/tasks/{id:D}/actions/{action}", UriKind.Relative), form);
    }

    /// <summary>Opens the confirmation page at <paramref name="path"/> and posts its form back to the same path.</summary>
    public async Task<HttpResponseMessage> ConfirmAsync(string path, params KeyValuePair<string, string>[] fields)
    {
        var confirm = await GetHtmlAsync(path);
        var token = AntiforgeryToken().Match(confirm);
        Assert.True(token.Success, "no anti-forgery field on the confirmation page");
        using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)), .. fields]);
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return await Http.PostAsync(new Uri(query < 0 ? path : path[..query], UriKind.Relative), form);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    public static partial Regex AntiforgeryToken();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
