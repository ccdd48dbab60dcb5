using System.Net;
using System.Net.Http.Headers;
using Buquet.Actors.Configuration;
using Buquet.Actors.Storage;
using Buquet.Host.Dashboard;

namespace Buquet.Host.Tests.Dashboard;

public sealed class DashboardAuthTests
{
    [Fact]
    public void Create_PublicBindWithoutTokenOrNoAuth_IsRefusedNamingAddress()
    {
        var options = new BuquetOptions();
        options.Dashboard.BindAddress = "0.0.0.0";

        var e = Assert.Throws<ArgumentException>(() => DashboardServer.Create(options, new InMemoryObjectStore()));

        Assert.Contains("'0.0.0.0'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicBind_WithoutToken_Returns401OrRedirectsToLogin()
    {
        await using var f = await DashboardFixture.StartAsync(bindAddress: "0.0.0.0", token: "s3cret-token");

        using var api = await f.Http.GetAsync(new Uri("/partials/tasks", UriKind.Relative));
        using var metrics = await f.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var browser = new HttpRequestMessage(HttpMethod.Get, new Uri("/tasks?status=failed", UriKind.Relative));
        browser.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var page = await f.Http.SendAsync(browser);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "guess");
        using var wrongResponse = await f.Http.SendAsync(wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login?return=", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicBind_WithBearerToken_Serves()
    {
        await using var f = await DashboardFixture.StartAsync(bindAddress: "0.0.0.0", token: "s3cret-token");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token");

        using var response = await f.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("s3cret-token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WithToken_SetsHttpOnlyCookieThatAuthorizes()
    {
        await using var f = await DashboardFixture.StartAsync(token: "s3cret-token");
        var login = await f.GetHtmlAsync("/login?return=/workers");
        var af = DashboardFixture.AntiforgeryToken().Match(login).Groups[1].Value;

        using var bad = new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(af)), new("token", "nope"), new("return", "/workers")]);
        using var badResponse = await f.Http.PostAsync(new Uri("/login", UriKind.Relative), bad);
        using var good = new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(af)), new("token", "s3cret-token"), new("return", "/workers")]);
        using var goodResponse = await f.Http.PostAsync(new Uri("/login", UriKind.Relative), good);
        var workers = await f.GetHtmlAsync("/workers");

        Assert.StartsWith("/login?failed=1", badResponse.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal("/workers", goodResponse.Headers.Location!.OriginalString);
        var setCookie = string.Join(';', goodResponse.Headers.GetValues("Set-Cookie"));
        Assert.Contains("buquet_session=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("s3cret-token", setCookie, StringComparison.Ordinal);
        Assert.Contains("No worker has registered", workers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WithoutAntiforgery_Returns400()
    {
        await using var f = await DashboardFixture.StartAsync(token: "s3cret-token");

        using var form = new FormUrlEncodedContent([new("token", "s3cret-token")]);
        using var response = await f.Http.PostAsync(new Uri("/login", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("//evil.example/x", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("/tasks?status=failed", "/tasks?status=failed")]
    public void SafeReturn_OnlyLocalPaths_AreFollowed(string target, string expected) =>
        Assert.Equal(expected, DashboardAuth.SafeReturn(target));
}
