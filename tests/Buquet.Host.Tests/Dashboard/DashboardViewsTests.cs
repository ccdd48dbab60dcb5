using System.Text.RegularExpressions;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Storage;
using Buquet.Host.Dashboard;

namespace Buquet.Host.Tests.Dashboard;

/// <summary>What a Sidekiq or Hangfire user expects of the views: zones, links, scales, relative times, warnings.</summary>
public sealed class DashboardViewsTests
{
    [Fact]
    public async Task Schedules_ParisZone_NextRunEqualsScheduleShowAndZoneShown()
    {
        await using var f = await DashboardFixture.StartAsync();
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("paris-morning", "report", "0 9 * * *") { Extensions = new ScheduleExtensions { TimeZone = "Europe/Paris" } });
        await f.Client.Schedules.CreateAsync(new ScheduleSpec("utc-morning", "report", "0 9 * * *"));
        var show = await f.Client.Schedules.GetAsync("paris-morning", 1);
        await f.RefreshAsync();

        var html = await f.GetHtmlAsync("/schedules");

        var paris = Row(html, "paris-morning");
        Assert.Equal(new DateTimeOffset(2026, 1, 29, 8, 0, 0, TimeSpan.Zero), show!.NextRuns[0]);
        Assert.Contains("<td class=\"zone\">Europe/Paris</td>", paris, StringComparison.Ordinal);
        Assert.Contains("<span class=\"utc\">2026-01-29 08:00:00Z</span>", paris, StringComparison.Ordinal);
        Assert.Contains("2026-01-29 09:00 Europe/Paris", paris, StringComparison.Ordinal);
        var utc = Row(html, "utc-morning");
        Assert.Contains("<span class=\"utc\">2026-01-29 09:00:00Z</span>", utc, StringComparison.Ordinal);
        Assert.Contains("UTC <span class=\"muted\">(default)</span>", utc, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overview_Cards_LinkToFilteredListIncludingCancelledAndExpired()
    {
        await using var f = await DashboardFixture.StartAsync();
        var cancelled = await f.Client.SubmitAsync("job", new { });
        await f.Client.CancelAsync(cancelled.Id);
        var expired = await f.Client.SubmitAsync("job", new { });
        await f.Client.ExpireAsync(expired.Id);
        await f.RefreshAsync();

        var html = await f.GetHtmlAsync("/");

        Assert.Contains("<a class=\"card\" data-card=\"cancelled\" href=\"/tasks?status=cancelled\"><b>1</b>cancelled</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a class=\"card\" data-card=\"expired\" href=\"/tasks?status=expired\"><b>1</b>expired</a>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/tasks?status=failed\"><b>0</b>failed</a>", html, StringComparison.Ordinal);
        Assert.Contains("data-card=\"total\" href=\"/tasks\"", html, StringComparison.Ordinal);
        Assert.Contains("data-card=\"workers alive\" href=\"/workers\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overview_Throughput_HasTimeAxisAndScale()
    {
        await using var f = await DashboardFixture.StartAsync();
        for (var i = 0; i < 7; i++)
        {
            var t = await f.Client.SubmitAsync("job", new { i });
            var claim = await f.Client.Repository.ClaimAsync(t.Id, "w");
            await f.Client.Repository.CompleteAsync(claim.Snapshot!, null);
        }

        await f.FailedTaskAsync("job", "boom");
        await f.RefreshAsync();

        var html = await f.GetHtmlAsync("/");

        // Store time 12:00: the axis runs 11:31 … 12:00, labelled every 5 minutes; 8 in the last minute ⇒ scale 0, 5, 10.
        var xTicks = Regex.Matches(html, "<text class=\"x-tick\"[^>]*>([0-9:]+)</text>").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["11:31", "11:36", "11:41", "11:46", "11:51", "11:56", "12:00"], xTicks);
        var yTicks = Regex.Matches(html, "<text class=\"y-tick\"[^>]*>([0-9]+)</text>").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["0", "5", "10"], yTicks);
        Assert.Contains("<title>12:00Z: 7 completed, 1 failed</title>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(2, 2)]
    [InlineData(3, 5)]
    [InlineData(8, 10)]
    [InlineData(11, 20)]
    [InlineData(140, 200)]
    public void NiceCeiling_Max_RoundsUpToOneTwoFive(int max, int expected) => Assert.Equal(expected, DashboardViews.NiceCeiling(max));

    [Theory]
    [InlineData(2, "0,1,2")]
    [InlineData(5, "0,1,2,3,4,5")]
    [InlineData(10, "0,5,10")]
    [InlineData(50, "0,10,20,30,40,50")]
    [InlineData(200, "0,100,200")]
    public void Ticks_Top_WholeEvenSteps(int top, string expected) => Assert.Equal(expected, string.Join(",", DashboardViews.Ticks(top)));

    [Fact]
    public async Task Tasks_List_RelativeTimesWithAbsoluteTitleDurationsAndRightAlignedNumbers()
    {
        await using var f = await DashboardFixture.StartAsync();
        var task = await f.Client.SubmitAsync("job", new { });
        f.Time.Advance(TimeSpan.FromMinutes(3));
        var claim = await f.Client.Repository.ClaimAsync(task.Id, "w");
        f.Time.Advance(TimeSpan.FromSeconds(5));
        await f.Client.Repository.CompleteAsync(claim.Snapshot!, null);
        f.Time.Advance(TimeSpan.FromMinutes(4));
        await f.RefreshAsync();

        var html = await f.GetHtmlAsync("/tasks");

        Assert.Contains("<th class=\"n\">Attempt</th>", html, StringComparison.Ordinal);
        Assert.Contains("<th class=\"n\" title=\"From submit to finish; for open tasks, so far\">Duration</th>", html, StringComparison.Ordinal);
        Assert.Contains("<time datetime=\"2026-01-28T12:00:00Z\" title=\"2026-01-28 12:00:00Z\">7 min ago</time>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"n\">3 min 5 s</td>", html, StringComparison.Ordinal);
        Assert.Contains("<th class=\"n\">Completed</th>", await f.GetHtmlAsync("/workers"), StringComparison.Ordinal);
        Assert.Contains("<th class=\"n\">pending</th>", await f.GetHtmlAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overview_PendingTypeNoLiveWorkerHandles_WarnsNamingIt()
    {
        await using var f = await DashboardFixture.StartAsync();
        var now = await f.Client.GetStoreTimeAsync();
        await f.Store.PutAsync(TaskKeys.Worker("w1"), ModelJson.Serialize(new WorkerInfo("w1", now, now, ["0"], null, 0, 0, ["send_email"], [])), PutCondition.None);
        await f.Client.SubmitAsync("send_email", new { });
        await f.Client.SubmitAsync("resize_image", new { });
        await f.Client.SubmitAsync("resize_image", new { });
        await f.RefreshAsync();

        var html = await f.GetHtmlAsync("/");

        Assert.Contains("No live worker handles 1 task type with pending work:", html, StringComparison.Ordinal);
        Assert.Contains(">resize_image</a> (2 pending)", html, StringComparison.Ordinal);
        Assert.Contains("Live workers handle: send_email.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overview_EveryPendingTypeHandled_NoWarning()
    {
        await using var f = await DashboardFixture.StartAsync();
        var now = await f.Client.GetStoreTimeAsync();
        await f.Store.PutAsync(TaskKeys.Worker("w1"), ModelJson.Serialize(new WorkerInfo("w1", now, now, ["0"], null, 0, 0, ["send_email", "resize_image"], [])), PutCondition.None);
        await f.Client.SubmitAsync("send_email", new { });
        await f.Client.SubmitAsync("resize_image", new { });
        await f.RefreshAsync();

        Assert.DoesNotContain("id=\"unserved\"", await f.GetHtmlAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workers_SeveralRunningTasks_ListsEveryOne()
    {
        await using var f = await DashboardFixture.StartAsync();
        var a = await f.Client.SubmitAsync("send_email", new { });
        var b = await f.Client.SubmitAsync("resize_image", new { });
        var c = await f.Client.SubmitAsync("resize_image", new { });
        foreach (var t in new[] { a, b, c })
        {
            Assert.True((await f.Client.Repository.ClaimAsync(t.Id, "busy-worker")).Claimed);
        }

        var now = await f.Client.GetStoreTimeAsync();
        await f.Store.PutAsync(TaskKeys.Worker("busy-worker"), ModelJson.Serialize(new WorkerInfo("busy-worker", now, now, ["0"], a.Id, 0, 0, ["send_email", "resize_image"], [a.Id, b.Id])), PutCondition.None);
        await f.RefreshAsync();

        var row = Row(await f.GetHtmlAsync("/workers"), "busy-worker", "data-worker");

        foreach (var t in new[] { a, b, c })
        {
            Assert.Contains($"href=\"/tasks/{t.Id:D}\"", row, StringComparison.Ordinal);
        }

        Assert.Contains("send_email, resize_image", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workers_ClusteredAndPlainWorker_ShowClusterStateAndPickups()
    {
        await using var f = await DashboardFixture.StartAsync();
        var now = await f.Client.GetStoreTimeAsync();
        await f.Store.PutAsync(TaskKeys.Worker("fleet-worker"), ModelJson.Serialize(new WorkerInfo("fleet-worker", now, now, ["0"], null, 0, 0, Cluster: "clustered (2)", Pickups: new WorkerPickups(4, 2, 1))), PutCondition.None);
        await f.Store.PutAsync(TaskKeys.Worker("solo-worker"), ModelJson.Serialize(new WorkerInfo("solo-worker", now, now, ["0"], null, 0, 0)), PutCondition.None);
        await f.RefreshAsync();

        var html = await f.GetHtmlAsync("/workers");

        Assert.Contains("<th>Cluster</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"cluster\">clustered (2)<div class=\"muted\">pickups: push 4, hint 2, poll 1</div></td>", Row(html, "fleet-worker", "data-worker"), StringComparison.Ordinal);
        Assert.Contains("<td class=\"cluster\">absent</td>", Row(html, "solo-worker", "data-worker"), StringComparison.Ordinal);
    }

    private static string Row(string html, string id, string attribute = "data-schedule")
    {
        var start = html.IndexOf($"<tr {attribute}=\"{id}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no row {id}");
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}
