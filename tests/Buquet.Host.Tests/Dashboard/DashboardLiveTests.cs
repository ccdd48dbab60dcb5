using System.Net;
using Buquet.Actors.Storage;

namespace Buquet.Host.Tests.Dashboard;

public sealed class DashboardLiveTests
{
    private static async Task<(HttpResponseMessage Response, SseReader Reader)> ConnectAsync(DashboardFixture f, string query)
    {
        var response = await f.Http.GetAsync(new Uri("/events?" + query, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        return (response, new SseReader(await response.Content.ReadAsStreamAsync()));
    }

    [Fact]
    public async Task Events_TaskSubmittedAfterConnect_PushesTableFragmentWithTask()
    {
        await using var f = await DashboardFixture.StartAsync();
        var (response, sse) = await ConnectAsync(f, "p=" + Uri.EscapeDataString("/partials/tasks?status=pending"));
        using (response)
        using (sse)
        {
            var first = await sse.NextAsync();
            Assert.Equal("fragment", first.Name);
            Assert.Contains("id=\"task-table\"", first.Data, StringComparison.Ordinal);
            Assert.Contains("0 tasks", first.Data, StringComparison.Ordinal);

            var task = await f.Client.SubmitAsync("send_email", new { to = "a@example.com" });
            await f.RefreshAsync();

            var update = await sse.UntilFragmentContainingAsync(task.Id.ToString("D"));
            Assert.Contains("1 tasks", update, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Events_ManyClients_DoNotMultiplyStoreRequests()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.Client.SubmitAsync("warm", new { });
        await f.RefreshAsync();
        f.Store.Reset();
        await f.RefreshAsync();
        var alone = f.Store.SnapshotAndReset();

        var clients = new List<(HttpResponseMessage Response, SseReader Reader)>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                var c = await ConnectAsync(f, "p=%2Fpartials%2Ftasks&p=%2Fpartials%2Foverview");
                await c.Reader.NextAsync();
                clients.Add(c);
            }

            Assert.Equal(6, f.Server.Runtime.LiveStreams);
            var task = await f.Client.SubmitAsync("send_email", new { });
            f.Store.Reset();
            await f.RefreshAsync();
            foreach (var (_, reader) in clients)
            {
                await reader.UntilFragmentContainingAsync(task.Id.ToString("D"));
            }

            var withClients = f.Store.SnapshotAndReset();

            // Same listings as with no client; the only extra request is the GET of the one new task.
            Assert.Equal(alone[StoreOperation.List], withClients[StoreOperation.List]);
            Assert.Equal(alone[StoreOperation.Put], withClients[StoreOperation.Put]);
            Assert.Equal(alone[StoreOperation.Head], withClients[StoreOperation.Head]);
            Assert.Equal(alone[StoreOperation.Get] + 1, withClients[StoreOperation.Get]);
            Assert.True(withClients.Total <= f.Server.Runtime.Cache.Options.RequestBudget, $"{withClients.Total} requests");
        }
        finally
        {
            foreach (var (response, reader) in clients)
            {
                reader.Dispose();
                response.Dispose();
            }
        }
    }

    [Theory]
    [InlineData("p=%2Fadmin", "/admin")]
    [InlineData("p=%2Fpartials%2Ftasks%3Fstatus%3Dbogus", "bogus")]
    [InlineData("", "got 0")]
    public async Task Events_BadFragment_Returns400NamingIt(string query, string named)
    {
        await using var f = await DashboardFixture.StartAsync();

        using var response = await f.Http.GetAsync(new Uri("/events?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_PublicBindWithoutToken_Returns401()
    {
        await using var f = await DashboardFixture.StartAsync(bindAddress: "0.0.0.0", token: "s3cret-token");

        using var response = await f.Http.GetAsync(new Uri("/events?p=%2Fpartials%2Foverview", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
