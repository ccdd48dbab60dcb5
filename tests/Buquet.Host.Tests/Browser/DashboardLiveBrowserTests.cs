using Buquet.Actors.Protocol;
using Buquet.Actors.Scheduling;
using Buquet.Host.Tests.Dashboard;
using static Microsoft.Playwright.Assertions;

namespace Buquet.Host.Tests.Browser;

/// <summary>End-to-end: schedule trigger and live updates over server-sent events in a real Chromium.</summary>
public sealed class DashboardLiveBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task TriggerSchedule_ConfirmedInBrowser_TaskAppearsAndLinksToDetail()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("nightly-report", "build_report", "0 3 * * *") { Input = new { kind = "nightly" } });
        await f.RefreshAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(f.Server.Address!, "/schedules").ToString());

        await page.ClickAsync("text=Trigger…");
        await Expect(page.Locator("h2")).ToContainTextAsync("Trigger schedule nightly-report?");
        await page.ClickAsync("#confirm");

        await Expect(page.Locator("#notice")).ToContainTextAsync("Triggered schedule nightly-report");
        var taskId = Guid.Parse(await page.Locator("#triggered-task").InnerTextAsync());
        var task = await f.Client.GetAsync(taskId);
        Assert.Equal("build_report", task!.TaskType);
        await page.ClickAsync("#triggered-task");
        await Expect(page.Locator("h2 .badge")).ToHaveTextAsync("pending");
        await Expect(page.Locator("#input")).ToContainTextAsync("nightly");
        await page.GotoAsync(new Uri(f.Server.Address!, "/tasks").ToString());
        await Expect(page.Locator($"tr[data-task='{taskId:D}']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Tasks_LiveStreamOpen_NewTaskArrivesByServerSentEventsWithoutPolling()
    {
        await using var f = await DashboardFixture.StartAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(f.Server.Address!, "/tasks").ToString());
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "sse");
        var polls = 0;
        page.Request += (_, r) =>
        {
            if (r.Url.Contains("/partials/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref polls);
            }
        };

        var task = await f.Client.SubmitAsync("send_email", new { to = "live@example.com" });
        await f.RefreshAsync();

        await Expect(page.Locator($"tr[data-task='{task.Id:D}']")).ToBeVisibleAsync();
        await Expect(page.Locator("#task-count")).ToContainTextAsync("1 tasks");
        Assert.Equal(0, Volatile.Read(ref polls));
        Assert.Equal(BuquetTaskStatus.Pending, (await f.Client.GetAsync(task.Id))!.Status);
    }

    [Fact]
    public async Task Tasks_WithoutEventSource_FallsBackToPolling()
    {
        await using var f = await DashboardFixture.StartAsync();
        var page = await browser.NewPageAsync();
        await page.AddInitScriptAsync("delete window.EventSource;");
        await page.GotoAsync(new Uri(f.Server.Address!, "/tasks").ToString());
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "polling");

        var task = await f.Client.SubmitAsync("send_email", new { to = "poll@example.com" });
        await f.RefreshAsync();

        await Expect(page.Locator($"tr[data-task='{task.Id:D}']")).ToBeVisibleAsync();
    }
}
