namespace Buquet.Host.Dashboard;

/// <summary>Front-end files, embedded in the assembly and served from <c>/static/</c> (works offline).</summary>
internal static class DashboardAssets
{
    /// <summary>htmx 2.0.4 from npm (<c>htmx.org</c> dist/htmx.min.js), sha256 e209dda5c8235479f3166defc7750e1dbcd5a5c1808b7792fc2e6733768fb447.</summary>
    public const string HtmxFile = "htmx-2.0.4.min.js";

    /// <summary>Our own live-update script: one EventSource on <c>/events</c>, falling back to htmx polling.</summary>
    public const string LiveFile = "buquet-live.js";

    private static readonly Dictionary<string, Lazy<byte[]>> Files = new(StringComparer.Ordinal)
    {
        [HtmxFile] = new(() => Load(HtmxFile)),
        [LiveFile] = new(() => Load(LiveFile)),
    };

    public static byte[]? Find(string name) => Files.TryGetValue(name, out var file) ? file.Value : null;

    private static byte[] Load(string name)
    {
        using var stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream("Buquet.Host.Dashboard." + name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing from the build.");
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return ms.ToArray();
    }
}
