namespace Buquet.Host.Dashboard;

/// <summary>Vendored front-end files, embedded in the assembly and served from <c>/static/</c> (works offline).</summary>
internal static class DashboardAssets
{
    /// <summary>htmx 2.0.4 from npm (<c>htmx.org</c> dist/htmx.min.js), sha256 e209dda5c8235479f3166defc7750e1dbcd5a5c1808b7792fc2e6733768fb447.</summary>
    public const string HtmxFile = "htmx-2.0.4.min.js";

    private static readonly Lazy<byte[]> Htmx = new(() =>
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream("Buquet.Host.Dashboard." + HtmxFile)
            ?? throw new InvalidOperationException($"Embedded resource {HtmxFile} is missing from the build.");
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return ms.ToArray();
    });

    public static byte[]? Find(string name) => name == HtmxFile ? Htmx.Value : null;
}
