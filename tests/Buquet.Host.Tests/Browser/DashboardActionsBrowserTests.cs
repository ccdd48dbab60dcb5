using System.Text.RegularExpressions;
using Buquet.Actors.Protocol;
using Buquet.Actors.Scheduling;
using Buquet.Host.Tests.Dashboard;
using static Microsoft.Playwright.Assertions;

namespace Buquet.Host.Tests.Browser;

/// <summary>End-to-end in Chromium: retry all failed, schedule enable/disable/delete, and a schedule in its time zone.</summary>
public sealed class DashboardActionsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task RetryAllFailed_ConfirmedInBrowser_ReplaysThemAndSaysHowMany()
    {
        await using var f = await DashboardFixture.StartAsync();
        var failed = new[] { await f.FailedTaskAsync("charge_card", "declined"), await f.FailedTaskAsync("sync_crm", "timeout") };
        var pending = await f.Client.SubmitAsync("send_email", new { });
        await f.RefreshAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(f.Server.Address!, "/tasks").ToString());

        await page.ClickAsync("#retry-failed");
        await Expect(page.Locator("h2")).ToContainTextAsync("Retry all failed tasks?");
        await Expect(page.Locator("#retry-count")).ToHaveTextAsync("2");
        await page.ClickAsync("#confirm");

        await Expect(page.Locator("#notice")).ToContainTextAsync("Retried 2 failed tasks. No failed tasks remain.");
        foreach (var t in failed)
        {
            Assert.Equal(BuquetTaskStatus.Pending, (await f.Client.GetAsync(t.Id))!.Status);
            await Expect(page.Locator($"tr[data-task='{t.Id:D}'] .badge")).ToHaveTextAsync("pending");
        }

        Assert.Equal(BuquetTaskStatus.Pending, (await f.Client.GetAsync(pending.Id))!.Status);
        await Expect(page.Locator("#retry-failed")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task RetryAllFailed_DeclinedInBrowser_NothingChanges()
    {
        await using var f = await DashboardFixture.StartAsync();
        var failed = await f.FailedTaskAsync("charge_card", "declined");
        await f.RefreshAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(f.Server.Address!, "/tasks").ToString());

        await page.ClickAsync("#retry-failed");
        await page.ClickAsync("text=No, go back");

        await Expect(page).ToHaveURLAsync(new Regex("/tasks\\?status=failed$"));
        Assert.Equal(BuquetTaskStatus.Failed, (await f.Client.GetAsync(failed.Id))!.Status);
    }

    [Fact]
    public async Task ScheduleDisableEnable_ConfirmedInBrowser_TogglesIt()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("hourly-sync", "sync_crm", "0 * * * *"));
        await f.RefreshAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(f.Server.Address!, "/schedules").ToString());
        var row = page.Locator("tr[data-schedule='hourly-sync']");

        await row.Locator("text=Disable…").ClickAsync();
        await Expect(page.Locator("h2")).ToContainTextAsync("Disable schedule hourly-sync?");
        await page.ClickAsync("#confirm");

        await Expect(page.Locator("#notice")).ToContainTextAsync("Schedule hourly-sync disabled.");
        await Expect(row.Locator(".next-run")).ToHaveTextAsync("—");
        Assert.False((await f.Client.Schedules.GetAsync("hourly-sync"))!.Schedule.Enabled);

        await row.Locator("text=Enable…").ClickAsync();
        await page.ClickAsync("#confirm");

        await Expect(page.Locator("#notice")).ToContainTextAsync("Schedule hourly-sync enabled.");
        await Expect(row.Locator(".next-run .utc")).ToHaveTextAsync("2026-01-28 13:00:00Z");
        Assert.True((await f.Client.Schedules.GetAsync("hourly-sync"))!.Schedule.Enabled);
    }

    [Fact]
    public async Task ScheduleDelete_ConfirmedInBrowser_RemovesIt()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("old-report", "build_report", "0 3 * * *"));
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("kept-report", "build_report", "0 4 * * *"));
        await f.RefreshAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(f.Server.Address!, "/schedules").ToString());

        await page.Locator("tr[data-schedule='old-report']").Locator("text=Delete…").ClickAsync();
        await Expect(page.Locator("p")).ToContainTextAsync("cannot be undone");
        await page.ClickAsync("#confirm");

        await Expect(page.Locator("#notice")).ToContainTextAsync("Schedule old-report deleted.");
        await Expect(page.Locator("tr[data-schedule='old-report']")).ToHaveCountAsync(0);
        await Expect(page.Locator("tr[data-schedule='kept-report']")).ToHaveCountAsync(1);
        Assert.Null(await f.Client.Schedules.GetAsync("old-report"));
        Assert.NotNull(await f.Client.Schedules.GetAsync("kept-report"));
    }

    [Fact]
    public async Task Schedules_ParisZone_ShowsZoneAndTheNextRunScheduleShowComputes()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("paris-digest", "send_digest", "0 9 * * *") { Extensions = new ScheduleExtensions { TimeZone = "Europe/Paris" } });
        var show = await f.Client.Schedules.GetAsync("paris-digest", 1);
        await f.RefreshAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(f.Server.Address!, "/schedules").ToString());
        var row = page.Locator("tr[data-schedule='paris-digest']");

        await Expect(row.Locator(".zone")).ToHaveTextAsync("Europe/Paris");
        await Expect(row.Locator(".next-run .utc")).ToHaveTextAsync(show!.NextRuns[0].UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(row.Locator(".next-run .utc")).ToHaveTextAsync("2026-01-29 08:00:00Z");
        await Expect(row.Locator(".next-run")).ToContainTextAsync("2026-01-29 09:00 Europe/Paris");
    }
}
