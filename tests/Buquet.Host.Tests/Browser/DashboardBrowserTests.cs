using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Host.Tests.Dashboard;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Buquet.Host.Tests.Browser;

/// <summary>End-to-end: a real Chromium against a real Kestrel dashboard.</summary>
public sealed class DashboardBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Tasks_SubmittedWhileOpen_AppearWithoutReload()
    {
        await using var f = await DashboardFixture.StartAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(f.Server.Address!, "/tasks").ToString());
        await Expect(page.Locator("#task-count")).ToContainTextAsync("0 tasks");

        var task = await f.Client.SubmitAsync("send_email", new { to = "someone@example.com" });
        await f.RefreshAsync();

        await Expect(page.Locator($"tr[data-task='{task.Id:D}']")).ToBeVisibleAsync();
        await Expect(page.Locator("#task-count")).ToContainTextAsync("1 tasks");
    }

    [Fact]
    public async Task Tasks_FilterByStatus_ShowsOnlyMatchingRows()
    {
        await using var f = await DashboardFixture.StartAsync();
        var pending = await f.Client.SubmitAsync("job", new { });
        var failed = await f.FailedTaskAsync("job", "boom");
        await f.RefreshAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(f.Server.Address!, "/tasks").ToString());
        await Expect(page.Locator("#tasks tr[data-task]")).ToHaveCountAsync(2);

        await page.SelectOptionAsync("select[name=status]", "failed");
        await page.ClickAsync("button[type=submit]");

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("status=failed"));
        await Expect(page.Locator("#tasks tr[data-task]")).ToHaveCountAsync(1);
        await Expect(page.Locator($"tr[data-task='{failed.Id:D}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-task='{pending.Id:D}']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task TaskHistory_OpenedFromList_ShowsTransitionsInOrder()
    {
        await using var f = await DashboardFixture.StartAsync();
        var failed = await f.FailedTaskAsync("job", "kaput");
        await f.RefreshAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(f.Server.Address!, "/tasks").ToString());

        await page.ClickAsync($"tr[data-task='{failed.Id:D}'] a");

        var items = page.Locator("#history li");
        await Expect(items).ToHaveCountAsync(3);
        await Expect(items.Nth(0)).ToContainTextAsync("pending");
        await Expect(items.Nth(1)).ToContainTextAsync("running");
        await Expect(items.Nth(2)).ToContainTextAsync("failed");
        await Expect(page.Locator("#error")).ToContainTextAsync("kaput");
    }

    [Fact]
    public async Task Cancel_ConfirmedInBrowser_CancelsTask()
    {
        await using var f = await DashboardFixture.StartAsync();
        var task = await f.Client.SubmitAsync("job", new { });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(f.Server.Address!, $"/tasks/{task.Id:D}").ToString());

        await page.ClickAsync("text=Cancel…");
        await Expect(page.Locator("h2")).ToContainTextAsync("Cancel task");
        await page.ClickAsync("#confirm");

        await Expect(page.Locator("#notice")).ToContainTextAsync("cancel");
        await Expect(page.Locator("h2 .badge")).ToHaveTextAsync("cancelled");
        Assert.Equal(BuquetTaskStatus.Cancelled, (await f.Client.GetAsync(task.Id))!.Status);
    }

    [Fact]
    public async Task Replay_FailedTaskInBrowser_BecomesPending()
    {
        await using var f = await DashboardFixture.StartAsync();
        var failed = await f.FailedTaskAsync("job", "boom");
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(f.Server.Address!, $"/tasks/{failed.Id:D}").ToString());

        await page.ClickAsync("text=Replay…");
        await page.ClickAsync("#confirm");

        await Expect(page.Locator("h2 .badge")).ToHaveTextAsync("pending");
        Assert.Equal(BuquetTaskStatus.Pending, (await f.Client.GetAsync(failed.Id))!.Status);
    }

    [Fact]
    public async Task PublicBind_WithoutToken_RefusedUntilSignedIn()
    {
        await using var f = await DashboardFixture.StartAsync(bindAddress: "0.0.0.0", token: "correct-horse");
        await f.Client.SubmitAsync("job", new { });
        await f.RefreshAsync();
        var page = await browser.NewPageAsync();

        var response = await page.GotoAsync(new Uri(f.Server.Address!, "/tasks").ToString());
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        var api = await page.APIRequest.GetAsync(new Uri(f.Server.Address!, "/partials/tasks").ToString());
        Assert.Equal(401, api.Status);
        await page.FillAsync("#token", "wrong");
        await page.ClickAsync("#login");
        await Expect(page.Locator(".error")).ToContainTextAsync("not valid");
        await page.FillAsync("#token", "correct-horse");
        await page.ClickAsync("#login");

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/tasks$"));
        await Expect(page.Locator("#tasks tr[data-task]")).ToHaveCountAsync(1);
        Assert.NotNull(response);
    }
}
