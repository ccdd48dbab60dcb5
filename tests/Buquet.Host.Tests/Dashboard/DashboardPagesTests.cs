using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;

namespace Buquet.Host.Tests.Dashboard;

public sealed class DashboardPagesTests
{
    [Fact]
    public async Task Workers_HeartbeatsByStoreClock_ShowHealthyAndStale()
    {
        await using var f = await DashboardFixture.StartAsync();
        var now = await f.Client.GetStoreTimeAsync();
        await f.Store.PutAsync(TaskKeys.Worker("fresh-worker"), ModelJson.Serialize(new WorkerInfo("fresh-worker", now, now, ["0"], null, 12, 3)), PutCondition.None);
        await f.Store.PutAsync(TaskKeys.Worker("old-worker"), ModelJson.Serialize(new WorkerInfo("old-worker", now, now.AddMinutes(-5), ["1"], null, 1, 0)), PutCondition.None);
        await f.RefreshAsync();

        var workers = await f.GetHtmlAsync("/workers");
        var overview = await f.GetHtmlAsync("/");

        Assert.Matches("fresh-worker</td><td><span class=\"badge completed\">healthy", workers);
        Assert.Matches("old-worker</td><td><span class=\"badge failed\">stale", workers);
        Assert.Contains("<b>1 / 2</b>workers alive", overview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskDetail_TypeWithSchema_ShowsSchemaAndOtherTypeSaysNone()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.Client.Schemas.SetAsync("order", Buquet.Actors.Schemas.TaskSchema.Parse("""{"input":{"type":"object","required":["qty"]}}"""));
        var order = await f.Client.SubmitAsync("order", new { qty = 1 });
        var other = await f.Client.SubmitAsync("other", new { });

        var withSchema = await f.GetHtmlAsync($"/tasks/{order.Id:D}");
        var without = await f.GetHtmlAsync($"/tasks/{other.Id:D}");

        Assert.Contains("(schemas/order.json)", withSchema, StringComparison.Ordinal);
        Assert.Contains("<details id=\"schema\"><summary>JSON Schema of the input</summary>", withSchema, StringComparison.Ordinal);
        Assert.Contains("&quot;required&quot;", withSchema, StringComparison.Ordinal);
        Assert.Contains("No schema for this task type", without, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedules_DefinitionAndLastRun_AreListed()
    {
        await using var f = await DashboardFixture.StartAsync();
        var now = await f.Client.GetStoreTimeAsync();
        var last = Guid.NewGuid();
        await f.Store.PutAsync(TaskKeys.Schedule("nightly-report"), ModelJson.Serialize(new Schedule("nightly-report", "report", null, "0 3 * * *", true, null, null, now, now)), PutCondition.None);
        await f.Store.PutAsync(TaskKeys.ScheduleLastRun("nightly-report"), ModelJson.Serialize(new ScheduleLastRun("nightly-report", now, last, new DateTimeOffset(2026, 1, 29, 3, 0, 0, TimeSpan.Zero))), PutCondition.None);
        await f.Store.PutAsync(TaskKeys.Schedule("hourly"), ModelJson.Serialize(new Schedule("hourly", "ping", null, "0 * * * *", true, null, null, now, now)), PutCondition.None);
        await f.RefreshAsync();

        var html = await f.GetHtmlAsync("/schedules");

        Assert.Contains("<td>nightly-report</td><td>report</td><td><code>0 3 * * *</code>", html, StringComparison.Ordinal);
        Assert.Contains("2026-01-29 03:00:00Z", html, StringComparison.Ordinal);
        Assert.Contains(last.ToString("D")[..8], html, StringComparison.Ordinal);
        Assert.Contains("2026-01-28 13:00:00Z", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Static_Htmx_IsServedLocally()
    {
        await using var f = await DashboardFixture.StartAsync();

        using var response = await f.Http.GetAsync(new Uri("/static/htmx-2.0.4.min.js", UriKind.Relative));
        var js = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("htmx", js, StringComparison.Ordinal);
        Assert.True(js.Length > 10_000);
    }
}
