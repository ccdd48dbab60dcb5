using System.Net;
using System.Net.Http.Headers;
using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.TestSupport;
using Buquet.Host.Dashboard;

namespace Buquet.Host.Tests.Dashboard;

public sealed class DashboardEndpointTests
{
    [Fact]
    public async Task Overview_WithTasks_ShowsCountsByStatusAndType()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.Client.SubmitAsync("send_email", new { to = "a@example.com" });
        await f.Client.SubmitAsync("send_email", new { to = "b@example.com" });
        await f.FailedTaskAsync("resize_image", "boom");
        await f.RefreshAsync();

        var html = await f.GetHtmlAsync("/");

        Assert.Contains("<b>3</b>total", html, StringComparison.Ordinal);
        Assert.Contains("<b>2</b>pending", html, StringComparison.Ordinal);
        Assert.Contains("<b>1</b>failed", html, StringComparison.Ordinal);
        Assert.Contains("<td>send_email</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>resize_image</td>", html, StringComparison.Ordinal);
        Assert.Contains("<b>0s</b>queue age", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tasks_FilterByStatusAndType_ShowsOnlyMatching()
    {
        await using var f = await DashboardFixture.StartAsync();
        var email = await f.Client.SubmitAsync("send_email", new { });
        var image = await f.Client.SubmitAsync("resize_image", new { });
        var failed = await f.FailedTaskAsync("send_email", "smtp down");
        await f.RefreshAsync();

        var pending = await f.GetHtmlAsync("/partials/tasks?status=pending&type=send_email");
        var failedOnly = await f.GetHtmlAsync("/tasks?status=failed");
        var shard = await f.GetHtmlAsync($"/partials/tasks?shard={image.Shard}");

        Assert.Contains(email.Id.ToString("D"), pending, StringComparison.Ordinal);
        Assert.DoesNotContain(image.Id.ToString("D"), pending, StringComparison.Ordinal);
        Assert.DoesNotContain(failed.Id.ToString("D"), pending, StringComparison.Ordinal);
        Assert.Contains(failed.Id.ToString("D"), failedOnly, StringComparison.Ordinal);
        Assert.DoesNotContain(email.Id.ToString("D"), failedOnly, StringComparison.Ordinal);
        Assert.Contains(image.Id.ToString("D"), shard, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tasks_TimeRangeAndPaging_LimitRows()
    {
        await using var f = await DashboardFixture.StartAsync();
        var old = await f.Client.SubmitAsync("old", new { });
        f.Time.Advance(TimeSpan.FromHours(2));
        for (var i = 0; i < 60; i++)
        {
            await f.Client.SubmitAsync("new", new { i });
        }

        await f.Server.Runtime.Cache.WarmUpAsync();

        var lastHour = await f.GetHtmlAsync("/partials/tasks?range=1h");
        var page2 = await f.GetHtmlAsync("/partials/tasks?page=2");

        Assert.Contains("60 tasks · page 1 of 2", lastHour, StringComparison.Ordinal);
        Assert.DoesNotContain(old.Id.ToString("D"), lastHour, StringComparison.Ordinal);
        Assert.Contains("61 tasks · page 2 of 2", page2, StringComparison.Ordinal);
        Assert.Contains(old.Id.ToString("D"), page2, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status=bogus", "bogus")]
    [InlineData("range=3y", "3y")]
    [InlineData("page=0", "0")]
    public async Task Tasks_BadFilter_Returns400NamingValue(string query, string value)
    {
        await using var f = await DashboardFixture.StartAsync();

        using var response = await f.Http.GetAsync(new Uri("/tasks?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"'{value}'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskDetail_OffloadedInputAndFailure_ShowsResolvedInputErrorAndHistory()
    {
        await using var f = await DashboardFixture.StartAsync(clientOptions: new BuquetClientOptions { OffloadLargePayloads = true, PayloadOffloadThresholdBytes = 16 });
        var task = await f.Client.SubmitAsync("big", new { text = "a long enough input to be offloaded" });
        Assert.NotNull(task.InputRef);
        var claim = await f.Client.Repository.ClaimAsync(task.Id, "w1");
        await f.Client.Repository.FailAsync(claim.Snapshot!, "disk full");

        var html = await f.GetHtmlAsync($"/tasks/{task.Id:D}");

        Assert.Contains("a long enough input to be offloaded", html, StringComparison.Ordinal);
        Assert.Contains("disk full", html, StringComparison.Ordinal);
        var timeline = html[html.IndexOf("id=\"history\"", StringComparison.Ordinal)..];
        var pending = timeline.IndexOf(">pending<", StringComparison.Ordinal);
        var running = timeline.IndexOf(">running<", StringComparison.Ordinal);
        var failed = timeline.IndexOf(">failed<", StringComparison.Ordinal);
        Assert.True(pending >= 0 && pending < running && running < failed, "timeline should read pending → running → failed");
        Assert.Contains("/actions/replay", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskDetail_MaliciousInput_IsHtmlEncoded()
    {
        await using var f = await DashboardFixture.StartAsync();
        var task = await f.Client.SubmitAsync("<img src=x onerror=alert(1)>", new { name = "<script>alert('x')</script>" }, new SubmitOptions { MaxRetries = 0 });
        var claim = await f.Client.Repository.ClaimAsync(task.Id, "<b>worker");
        await f.Client.Repository.FailAsync(claim.Snapshot!, "<script>alert('err')</script>");
        await f.RefreshAsync();

        var detail = await f.GetHtmlAsync($"/tasks/{task.Id:D}");
        var list = await f.GetHtmlAsync("/tasks");
        var overview = await f.GetHtmlAsync("/");

        foreach (var html in new[] { detail, list, overview })
        {
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        }

        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", list, StringComparison.Ordinal);

        Assert.Contains("&lt;script&gt;alert", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskDetail_UnknownOrBadId_Returns404Or400()
    {
        await using var f = await DashboardFixture.StartAsync();

        using var missing = await f.Http.GetAsync(new Uri($"/tasks/{Guid.NewGuid():D}", UriKind.Relative));
        using var bad = await f.Http.GetAsync(new Uri("/tasks/not-a-guid", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not-a-guid", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_ConfirmedWithToken_CancelsTaskAndUpdatesList()
    {
        await using var f = await DashboardFixture.StartAsync();
        var task = await f.Client.SubmitAsync("send_email", new { });
        await f.RefreshAsync();

        using var response = await f.ConfirmActionAsync(task.Id, "cancel");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(BuquetTaskStatus.Cancelled, (await f.Client.GetAsync(task.Id))!.Status);
        var list = await f.GetHtmlAsync("/partials/tasks?status=cancelled");
        Assert.Contains(task.Id.ToString("D"), list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_FailedTask_BecomesPending()
    {
        await using var f = await DashboardFixture.StartAsync();
        var failed = await f.FailedTaskAsync("job", "boom");

        using var response = await f.ConfirmActionAsync(failed.Id, "replay");
        var detail = await f.GetHtmlAsync(response.Headers.Location!.OriginalString);

        Assert.Equal(BuquetTaskStatus.Pending, (await f.Client.GetAsync(failed.Id))!.Status);
        Assert.Contains("Done: replay", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archive_PendingTask_IsRefusedWithReason()
    {
        await using var f = await DashboardFixture.StartAsync();
        var task = await f.Client.SubmitAsync("job", new { });

        using var response = await f.ConfirmActionAsync(task.Id, "archive");
        var detail = await f.GetHtmlAsync(response.Headers.Location!.OriginalString);

        Assert.Equal(BuquetTaskStatus.Pending, (await f.Client.GetAsync(task.Id))!.Status);
        Assert.Contains("archive refused: InvalidState", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_Returns400AndLeavesTask()
    {
        await using var f = await DashboardFixture.StartAsync();
        var task = await f.Client.SubmitAsync("send_email", new { });

        using var empty = new FormUrlEncodedContent([]);
        using var response = await f.Http.PostAsync(new Uri($"/tasks/{task.Id:D}/actions/cancel", UriKind.Relative), empty);
        using var forged = new FormUrlEncodedContent([new("__RequestVerificationToken", "forged")]);
        using var forgedResponse = await f.Http.PostAsync(new Uri($"/tasks/{task.Id:D}/actions/cancel", UriKind.Relative), forged);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forgedResponse.StatusCode);
        Assert.Equal(BuquetTaskStatus.Pending, (await f.Client.GetAsync(task.Id))!.Status);
    }

    [Fact]
    public async Task Metrics_AfterRefresh_ExposesStoreRequestsByOperation()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.RefreshAsync();

        using var response = await f.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("# TYPE buquet_s3_requests_total counter", text, StringComparison.Ordinal);
        Assert.Matches("buquet_s3_requests_total\\{operation=\"list\",outcome=\"ok\"\\} [1-9]", text);
        Assert.Contains("buquet_s3_request_duration_seconds_bucket{operation=\"list\",le=\"+Inf\"}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthAndReadiness_AfterProbe_Return200()
    {
        await using var f = await DashboardFixture.StartAsync(token: "s3cret");

        using var health = await f.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var ready = await f.Http.GetAsync(new Uri("/readyz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Readiness_StoreWithoutCas_ReportsProblem()
    {
        var readiness = new StoreReadiness(new IgnoresConditionsStore(new InMemoryObjectStore()));

        var ok = await readiness.ProbeAsync(Guid.NewGuid());

        Assert.False(ok);
        Assert.False(readiness.IsReady);
        Assert.Contains("create-only put is not enforced", readiness.Problem, StringComparison.Ordinal);
    }

    /// <summary>Drops the precondition of every PUT (conditional DELETEs still hold).</summary>
    private sealed class IgnoresConditionsStore(IObjectStore inner) : DelegatingObjectStore(inner)
    {
        public override Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default) =>
            Inner.PutAsync(key, body, PutCondition.None, cancellationToken);
    }
}
