using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Storage;
using Buquet.Host.Tests.Dashboard;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Buquet.Host.Tests.Browser;

/// <summary>
/// Renders every view over a realistic queue and saves PNGs: into <c>BUQUET_SCREENSHOTS_DIR</c> when set
/// (scripts/screenshots.sh points it at docs/screenshots), otherwise into a temporary folder.
/// </summary>
public sealed class DashboardScreenshotTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Screenshots_EveryView_RendersAndSavesPng()
    {
        var dir = Environment.GetEnvironmentVariable("BUQUET_SCREENSHOTS_DIR") is { Length: > 0 } d ? d : Directory.CreateTempSubdirectory("buquet-shots").FullName;
        Directory.CreateDirectory(dir);
        await using var f = await DashboardFixture.StartAsync();
        var failed = await SeedAsync(f);
        for (var i = 0; i < 3; i++)
        {
            // A bounded refresh GETs at most 50 changed objects: three see the whole seed.
            await f.RefreshAsync();
        }

        var page = await browser.NewPageAsync();
        var views = new (string File, string Path, string Ready)[]
        {
            ("overview.png", "/", "#overview .cards"),
            ("tasks.png", "/tasks", "#tasks"),
            ("tasks-filtered.png", "/tasks?status=failed", "#tasks"),
            ("task-detail.png", $"/tasks/{failed.Id:D}", "#history"),
            ("confirm.png", $"/tasks/{failed.Id:D}/actions/replay", "#confirm"),
            ("workers.png", "/workers", "#workers"),
            ("schedules.png", "/schedules", "#schedules"),
            ("retry-failed.png", "/tasks/retry-failed", "#confirm"),
        };

        foreach (var (file, path, ready) in views)
        {
            await page.GotoAsync(new Uri(f.Server.Address!, path).ToString());
            await Expect(page.Locator(ready).First).ToBeVisibleAsync();
            var target = System.IO.Path.Combine(dir, file);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = target, FullPage = true });
            var head = (await File.ReadAllBytesAsync(target))[..8];
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, head);
        }
    }

    private static async Task<TaskRecord> SeedAsync(DashboardFixture f)
    {
        string[] types = ["send_email", "resize_image", "charge_card", "sync_crm"];
        for (var i = 0; i < 40; i++)
        {
            await f.Client.SubmitAsync(types[i % types.Length], new { order = 1000 + i });
        }

        var now = await f.Client.GetStoreTimeAsync();
        var page = await f.Client.ListAsync(new TaskQuery { PageSize = 1000 });
        var n = 0;
        foreach (var t in page.Tasks.Take(24))
        {
            var claim = await f.Client.Repository.ClaimAsync(t.Id, n % 2 == 0 ? "worker-a1b2" : "worker-c3d4");
            if (n < 16)
            {
                f.Time.Advance(TimeSpan.FromSeconds(20));
                await f.Client.Repository.CompleteAsync(claim.Snapshot!, System.Text.Json.JsonSerializer.SerializeToElement(new { ok = true, ms = 120 + n }));
            }

            n++;
        }

        var cancelled = await f.Client.SubmitAsync("send_email", new { order = 2000 });
        await f.Client.CancelAsync(cancelled.Id, "customer unsubscribed", "dashboard");
        var expired = await f.Client.SubmitAsync("send_email", new { order = 2001 });
        await f.Client.ExpireAsync(expired.Id);
        var failed = await f.FailedTaskAsync("charge_card", "card_declined: insufficient funds (gateway 402)");
        await f.FailedTaskAsync("sync_crm", "timeout talking to crm.example.com");
        now = await f.Client.GetStoreTimeAsync();
        for (var i = 0; i < 3; i++)
        {
            // No worker handles this type: the overview warns about it.
            await f.Client.SubmitAsync("generate_pdf", new { invoice = 7000 + i });
        }

        string[] handled = ["charge_card", "resize_image", "send_email", "sync_crm"];
        Guid[] runningA = [page.Tasks[16].Id, page.Tasks[18].Id, page.Tasks[20].Id, page.Tasks[22].Id];
        Guid[] runningC = [page.Tasks[17].Id, page.Tasks[19].Id, page.Tasks[21].Id, page.Tasks[23].Id];
        await f.Store.PutAsync(TaskKeys.Worker("worker-a1b2"), ModelJson.Serialize(new WorkerInfo("worker-a1b2", now.AddHours(-2), now.AddSeconds(-3), ["0", "1", "2", "3", "4", "5", "6", "7"], runningA[0], 812, 9, handled, runningA)), PutCondition.None);
        await f.Store.PutAsync(TaskKeys.Worker("worker-c3d4"), ModelJson.Serialize(new WorkerInfo("worker-c3d4", now.AddHours(-2), now.AddSeconds(-8), ["8", "9", "a", "b", "c", "d", "e", "f"], runningC[0], 790, 4, handled, runningC)), PutCondition.None);
        await f.Store.PutAsync(TaskKeys.Worker("worker-old9"), ModelJson.Serialize(new WorkerInfo("worker-old9", now.AddDays(-1), now.AddMinutes(-42), ["0"], null, 51, 2)), PutCondition.None);
        await f.Store.PutAsync(TaskKeys.Schedule("nightly-report"), ModelJson.Serialize(new Schedule("nightly-report", "build_report", null, "0 3 * * *", true, 600, 2, now.AddDays(-10), now.AddDays(-10))), PutCondition.None);
        await f.Store.PutAsync(TaskKeys.ScheduleLastRun("nightly-report"), ModelJson.Serialize(new ScheduleLastRun("nightly-report", new DateTimeOffset(2026, 1, 28, 3, 0, 1, TimeSpan.Zero), failed.Id, new DateTimeOffset(2026, 1, 29, 3, 0, 0, TimeSpan.Zero))), PutCondition.None);
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("paris-digest", "send_email", "0 9 * * MON-FRI") { Extensions = new ScheduleExtensions { TimeZone = "Europe/Paris" } });
        await f.Store.PutAsync(TaskKeys.Schedule("hourly-sync"), ModelJson.Serialize(new Schedule("hourly-sync", "sync_crm", null, "0 * * * *", false, null, null, now.AddDays(-3), now.AddDays(-1))), PutCondition.None);
        return failed;
    }
}
