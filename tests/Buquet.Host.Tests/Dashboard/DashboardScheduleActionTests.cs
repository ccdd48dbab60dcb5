using System.Net;
using System.Net.Http.Headers;
using Buquet.Actors.Protocol;
using Buquet.Actors.Scheduling;

namespace Buquet.Host.Tests.Dashboard;

public sealed class DashboardScheduleActionTests
{
    [Fact]
    public async Task TriggerSchedule_Confirmed_SubmitsTaskAndLinksIt()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("nightly-report", "build_report", "0 3 * * *") { Input = new { kind = "nightly" } });
        await f.RefreshAsync();
        var list = await f.GetHtmlAsync("/schedules");
        Assert.Contains("href=\"/schedules/nightly-report/trigger\"", list, StringComparison.Ordinal);

        var confirm = await f.GetHtmlAsync("/schedules/nightly-report/trigger");
        Assert.Contains("Trigger schedule <code>nightly-report</code>?", confirm, StringComparison.Ordinal);
        var token = DashboardFixture.AntiforgeryToken().Match(confirm);
        Assert.True(token.Success, "no anti-forgery field on the confirmation page");
        using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value))]);
        using var posted = await f.Http.PostAsync(new Uri("/schedules/nightly-report/trigger", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var location = posted.Headers.Location!.ToString();
        Assert.StartsWith("/schedules?triggered=", location, StringComparison.Ordinal);
        var taskId = Guid.Parse(location.AsSpan("/schedules?triggered=".Length, 36));
        var task = await f.Client.GetAsync(taskId);
        Assert.NotNull(task);
        Assert.Equal("build_report", task.TaskType);
        Assert.Equal(BuquetTaskStatus.Pending, task.Status);
        var notice = await f.GetHtmlAsync(location);
        Assert.Contains($"<a id=\"triggered-task\" href=\"/tasks/{taskId:D}\">", notice, StringComparison.Ordinal);
        Assert.Contains(taskId.ToString("D"), await f.GetHtmlAsync("/partials/tasks"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TriggerSchedule_PostWithoutAntiforgery_RefusedAndNothingSubmitted()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("hourly", "ping", "0 * * * *"));

        using var form = new FormUrlEncodedContent([]);
        using var posted = await f.Http.PostAsync(new Uri("/schedules/hourly/trigger", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("anti-forgery", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await f.Client.ListAsync()).Tasks);
    }

    [Fact]
    public async Task TriggerSchedule_PublicBindWithoutToken_Returns401AndNothingSubmitted()
    {
        await using var f = await DashboardFixture.StartAsync(bindAddress: "0.0.0.0", token: "s3cret-token");
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("hourly", "ping", "0 * * * *"));

        using var form = new FormUrlEncodedContent([]);
        using var posted = await f.Http.PostAsync(new Uri("/schedules/hourly/trigger", UriKind.Relative), form);
        using var confirm = await f.Http.GetAsync(new Uri("/schedules/hourly/trigger", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, posted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, confirm.StatusCode);
        Assert.Empty((await f.Client.ListAsync()).Tasks);

        f.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token");
        Assert.Contains("Trigger schedule", await f.GetHtmlAsync("/schedules/hourly/trigger"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TriggerSchedule_Unknown_Returns404NamingIt()
    {
        await using var f = await DashboardFixture.StartAsync();

        using var response = await f.Http.GetAsync(new Uri("/schedules/no-such-schedule/trigger", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no-such-schedule", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
