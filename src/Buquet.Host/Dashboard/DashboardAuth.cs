using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Buquet.Host.Dashboard;

/// <summary>
/// Access control: a bearer token (<c>Authorization: Bearer …</c>) or the HttpOnly session cookie set by the login
/// form. Health probes, the login page and static files are open. Unauthenticated browsers are redirected to
/// <c>/login</c>; everything else gets 401.
/// </summary>
internal sealed class DashboardAuth
{
    public const string CookieName = "buquet_session";
    private readonly byte[]? _tokenHash;
    private readonly string? _cookieValue;

    public DashboardAuth(string? accessToken, bool required)
    {
        Required = required;
        if (!string.IsNullOrEmpty(accessToken))
        {
            _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(accessToken));
            _cookieValue = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("buquet-dashboard-session:" + accessToken)));
        }
    }

    public bool Required { get; }

    /// <summary>Decides whether a dashboard needs a token: any token given, or a non-loopback address.</summary>
    public static DashboardAuth For(string bindAddress, string? accessToken, bool noAuth)
    {
        if (noAuth)
        {
            return new DashboardAuth(null, required: false);
        }

        if (!string.IsNullOrEmpty(accessToken))
        {
            return new DashboardAuth(accessToken, required: true);
        }

        if (!IsLoopback(bindAddress))
        {
            throw new ArgumentException(
                $"The dashboard bind address '{bindAddress}' is not a loopback address: set an access token (buquet.dashboard.access-token) or no-auth for use behind an authenticating proxy.",
                nameof(bindAddress));
        }

        return new DashboardAuth(null, required: false);
    }

    public static bool IsLoopback(string bindAddress) =>
        string.Equals(bindAddress, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(bindAddress, out var ip) && IPAddress.IsLoopback(ip));

    public bool TokenMatches(string? candidate) =>
        _tokenHash is not null && candidate is not null
        && CryptographicOperations.FixedTimeEquals(_tokenHash, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));

    public string SessionCookieValue => _cookieValue ?? throw new InvalidOperationException("No access token is configured.");

    public bool IsAuthorized(HttpContext context)
    {
        if (!Required)
        {
            return true;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && TokenMatches(header["Bearer ".Length..].Trim()))
        {
            return true;
        }

        return context.Request.Cookies.TryGetValue(CookieName, out var cookie) && _cookieValue is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(cookie), Encoding.ASCII.GetBytes(_cookieValue));
    }

    public static bool IsOpenPath(PathString path) =>
        path == "/healthz" || path == "/readyz" || path == "/login" || path.StartsWithSegments("/static");

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (IsOpenPath(context.Request.Path) || IsAuthorized(context))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var wantsHtml = HttpMethods.IsGet(context.Request.Method) && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal)
            && !context.Request.Headers.ContainsKey("HX-Request");
        if (wantsHtml)
        {
            context.Response.Redirect("/login?return=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"buquet\"";
        await context.Response.WriteAsync("401 Unauthorized: an access token is required.").ConfigureAwait(false);
    }

    /// <summary>Only same-site relative paths are followed after login.</summary>
    public static string SafeReturn(string? target) =>
        !string.IsNullOrEmpty(target) && target.StartsWith('/') && !target.StartsWith("//", StringComparison.Ordinal) && !target.Contains('\\', StringComparison.Ordinal)
            ? target
            : "/";
}
