using Microsoft.Playwright;

namespace Buquet.Host.Tests.Browser;

/// <summary>
/// One headless Debian Chromium (<c>/usr/bin/chromium</c>, package <c>chromium</c>) driven by Playwright for the test
/// class. Never downloads a browser: when Chromium is missing the tests fail with the install command.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var path = Environment.GetEnvironmentVariable("BUQUET_CHROMIUM") is { Length: > 0 } custom ? custom : ChromiumPath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Chromium not found at '{path}': install Debian's browser with 'apt-get install -y chromium' (CI does this in .ci/run).");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = path, Headless = true, Args = Flags });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }
}
