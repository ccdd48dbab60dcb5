using System.Net;
using System.Net.Http.Headers;
using Buquet.Actors.Protocol;
using Buquet.Actors.Scheduling;
using Buquet.Host.Dashboard;

namespace Buquet.Host.Tests.Dashboard;

/// <summary>Retry all failed, and enable/disable/delete on schedules, over plain HTTP.</summary>
public sealed class DashboardActionsTests
{
    [Fact]
    public async Task RetryFailed_MoreThanOneBatch_ReplaysAtMostTheBatchAndSaysHowMany()
    {
        await using var f = await DashboardFixture.StartAsync();
        var total = DashboardEndpoints.RetryFailedBatch + 3;
        for (var i = 0; i < total; i++)
        {
            await f.FailedTaskAsync("charge_card", "declined");
        }

        // A bounded refresh GETs at most 50 changed tasks: three see all 103.
        for (var i = 0; i < 3; i++)
        {
            await f.RefreshAsync();
        }

        var confirm = await f.GetHtmlAsync("/tasks/retry-failed");
        Assert.Contains($"<b id=\"retry-count\">{DashboardEndpoints.RetryFailedBatch}</b> of {total} failed tasks", confirm, StringComparison.Ordinal);

        using var posted = await f.ConfirmAsync("/tasks/retry-failed");

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal($"/tasks?retried={DashboardEndpoints.RetryFailedBatch}&refused=0&left=3", posted.Headers.Location!.ToString());
        var tasks = (await f.Client.ListAsync(new Buquet.Actors.Client.TaskQuery { PageSize = 1000 })).Tasks;
        Assert.Equal(DashboardEndpoints.RetryFailedBatch, tasks.Count(t => t.Status == BuquetTaskStatus.Pending));
        Assert.Equal(3, tasks.Count(t => t.Status == BuquetTaskStatus.Failed));
        var notice = await f.GetHtmlAsync(posted.Headers.Location!.ToString());
        Assert.Contains($"Retried {DashboardEndpoints.RetryFailedBatch} failed tasks. 3 failed tasks remain", notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryFailed_WithType_ReplaysOnlyThatType()
    {
        await using var f = await DashboardFixture.StartAsync();
        var card = await f.FailedTaskAsync("charge_card", "declined");
        var crm = await f.FailedTaskAsync("sync_crm", "timeout");
        await f.RefreshAsync();
        Assert.Contains("href=\"/tasks/retry-failed?type=sync_crm\"", await f.GetHtmlAsync("/tasks?type=sync_crm"), StringComparison.Ordinal);

        using var posted = await f.ConfirmAsync("/tasks/retry-failed?type=sync_crm", new KeyValuePair<string, string>("type", "sync_crm"));

        Assert.Equal("/tasks?retried=1&refused=0&left=0&type=sync_crm", posted.Headers.Location!.ToString());
        Assert.Equal(BuquetTaskStatus.Pending, (await f.Client.GetAsync(crm.Id))!.Status);
        Assert.Equal(BuquetTaskStatus.Failed, (await f.Client.GetAsync(card.Id))!.Status);
    }

    [Fact]
    public async Task RetryFailed_PostWithoutAntiforgery_RefusedAndNothingReplayed()
    {
        await using var f = await DashboardFixture.StartAsync();
        var failed = await f.FailedTaskAsync("job", "boom");
        await f.RefreshAsync();

        using var form = new FormUrlEncodedContent([]);
        using var posted = await f.Http.PostAsync(new Uri("/tasks/retry-failed", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Equal(BuquetTaskStatus.Failed, (await f.Client.GetAsync(failed.Id))!.Status);
    }

    [Fact]
    public async Task RetryFailed_PublicBindWithoutToken_Returns401AndNothingReplayed()
    {
        await using var f = await DashboardFixture.StartAsync(bindAddress: "0.0.0.0", token: "s3cret-token");
        var failed = await f.FailedTaskAsync("job", "boom");
        await f.RefreshAsync();

        using var form = new FormUrlEncodedContent([]);
        using var posted = await f.Http.PostAsync(new Uri("/tasks/retry-failed", UriKind.Relative), form);
        using var confirm = await f.Http.GetAsync(new Uri("/tasks/retry-failed", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, posted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, confirm.StatusCode);
        Assert.Equal(BuquetTaskStatus.Failed, (await f.Client.GetAsync(failed.Id))!.Status);
        f.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token");
        using var allowed = await f.ConfirmAsync("/tasks/retry-failed");
        Assert.Equal(HttpStatusCode.Redirect, allowed.StatusCode);
        Assert.Equal(BuquetTaskStatus.Pending, (await f.Client.GetAsync(failed.Id))!.Status);
    }

    [Fact]
    public async Task ScheduleDisableThenEnable_Confirmed_ChangesStoredScheduleAndList()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("hourly", "ping", "0 * * * *"));
        await f.RefreshAsync();
        Assert.Contains("href=\"/schedules/hourly/disable\"", await f.GetHtmlAsync("/schedules"), StringComparison.Ordinal);

        using var disabled = await f.ConfirmAsync("/schedules/hourly/disable");

        Assert.Equal("/schedules?done=disabled&schedule=hourly", disabled.Headers.Location!.ToString());
        Assert.False((await f.Client.Schedules.GetAsync("hourly"))!.Schedule.Enabled);
        var list = await f.GetHtmlAsync(disabled.Headers.Location!.ToString());
        Assert.Contains("Schedule hourly disabled.", list, StringComparison.Ordinal);
        Assert.Contains("href=\"/schedules/hourly/enable\"", list, StringComparison.Ordinal);

        using var enabled = await f.ConfirmAsync("/schedules/hourly/enable");

        Assert.Equal("/schedules?done=enabled&schedule=hourly", enabled.Headers.Location!.ToString());
        Assert.True((await f.Client.Schedules.GetAsync("hourly"))!.Schedule.Enabled);
    }

    [Fact]
    public async Task ScheduleDelete_Confirmed_RemovesItFromStoreAndList()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("doomed", "ping", "0 * * * *"));
        await f.RefreshAsync();
        Assert.Contains("This cannot be undone", await f.GetHtmlAsync("/schedules/doomed/delete"), StringComparison.Ordinal);

        using var deleted = await f.ConfirmAsync("/schedules/doomed/delete");

        Assert.Equal("/schedules?done=deleted&schedule=doomed", deleted.Headers.Location!.ToString());
        Assert.Null(await f.Client.Schedules.GetAsync("doomed"));
        Assert.DoesNotContain("data-schedule=\"doomed\"", await f.GetHtmlAsync("/partials/schedules"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduleDelete_PostWithoutAntiforgery_RefusedAndKept()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("kept", "ping", "0 * * * *"));

        using var form = new FormUrlEncodedContent([]);
        using var posted = await f.Http.PostAsync(new Uri("/schedules/kept/delete", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.NotNull(await f.Client.Schedules.GetAsync("kept"));
    }

    [Fact]
    public async Task ScheduleAction_Unknown_Returns404NamingTheActions()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("hourly", "ping", "0 * * * *"));

        using var response = await f.Http.GetAsync(new Uri("/schedules/hourly/explode", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("explode", body, StringComparison.Ordinal);
        Assert.Contains("(trigger, enable, disable, delete)", body, StringComparison.Ordinal);
    }
}
