using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Buquet.Actors.Workflows;

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
    public async Task Workflows_StartedDiamond_IsListedWithTypeStatusAndLink()
    {
        await using var f = await DashboardFixture.StartAsync();
        var state = await new WorkflowClient(f.Client).StartAsync(SampleWorkflows.Diamond(), new { order = 7 }, "wf-listed");

        var html = await f.GetHtmlAsync("/workflows");

        Assert.Contains("<a href=\"/workflows\" class=\"on\">Workflows</a>", html, StringComparison.Ordinal);
        Assert.Contains("<td><a href=\"/workflows/wf-listed\">wf-listed</a></td><td>buquet.samples.diamond</td><td><span class=\"badge running\">running</span>", html, StringComparison.Ordinal);
        Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(state.UpdatedAt), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workflow_DiamondWithCompletedStepAndSignal_ShowsStepsInDependencyOrderAndTheEscapedSignal()
    {
        await using var f = await DashboardFixture.StartAsync();
        var workflows = new WorkflowClient(f.Client);
        await workflows.StartAsync(SampleWorkflows.Diamond(), null, "wf-page");
        var stepTask = Guid.NewGuid();
        await new WorkflowStore(f.Store, f.Client.Clock).UpdateAsync("wf-page", (s, now) =>
            s.WithStep("a", new StepState { Status = StepStatus.Completed, Attempt = 1, TaskId = stepTask.ToString("D"), StartedAt = now, CompletedAt = now }), default);
        await workflows.SignalAsync("wf-page", "approve", new { by = "<script>alert(1)</script>" });

        var html = await f.GetHtmlAsync("/workflows/wf-page");

        var order = new[] { "a", "b", "c", "d" }.Select(n => html.IndexOf($"<tr data-step=\"{n}\">", StringComparison.Ordinal)).ToList();
        Assert.All(order, i => Assert.True(i > 0));
        Assert.Equal(order.Order(), order);
        Assert.Contains($"<tr data-step=\"a\"><td class=\"n\">0</td><td>a</td><td>—</td><td><span class=\"badge completed\">completed</span></td><td class=\"n\">1</td><td><a href=\"/tasks/{stepTask:D}\">", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-step=\"d\"><td class=\"n\">2</td><td>d</td><td>b, c</td><td><span class=\"badge pending\">pending</span>", html, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"dag\"", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/tasks/{stepTask:D}\"><g data-step=\"a\">", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-signal=\"approve\"><td>approve</td>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workflow_UnknownId_Returns404()
    {
        await using var f = await DashboardFixture.StartAsync();

        using var response = await f.Http.GetAsync(new Uri("/workflows/wf-missing", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No workflow wf-missing.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
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
