namespace Buquet.Actors.Storage;

/// <summary>
/// What to tell the user about bucket versioning, chosen from the start-up probe. On an endpoint that behaves like Ceph
/// RGW (If-Match matches only unquoted ETags and is ignored on DELETE), turning versioning on breaks conditional writes
/// (RGW 16.2: If-Match always 412, <c>If-None-Match: *</c> overwrites), so the advice there is
/// <c>allow-no-versioning</c>, never "enable versioning".
/// </summary>
public static class S3VersioningAdvice
{
    /// <summary>The setting that runs without versioning, with its environment variable.</summary>
    public const string AllowNoVersioning = "buquet.store.s3.allow-no-versioning = true (env BUQUET_ALLOW_NO_VERSIONING=true)";

    /// <summary>True when the probe saw Ceph RGW's traits, where versioning breaks conditional writes.</summary>
    public static bool VersioningBreaksConditionalWrites(S3ProbeResult probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        return probe.CasHolds && probe.UnquotedIfMatch && !probe.ConditionalDelete;
    }

    /// <summary>Why a bucket without versioning is refused (no <c>allow-no-versioning</c>), and what to do.</summary>
    public static string VersioningOff(S3ProbeResult probe, string bucket) => VersioningBreaksConditionalWrites(probe)
        ? $"Bucket '{bucket}' does not have versioning enabled. Do not enable it on this endpoint: it behaves like Ceph RGW (If-Match only with unquoted ETags, If-Match ignored on DELETE), where versioning breaks conditional writes. Set {AllowNoVersioning} instead (task history is then unavailable)."
        : $"Bucket '{bucket}' does not have versioning enabled. Enable it (aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled) or set {AllowNoVersioning} (task history is then unavailable).";

    /// <summary>The refusal of a bucket without versioning (no <c>allow-no-versioning</c>), with its typed problem.</summary>
    public static ObjectStoreConfigurationException VersioningOffRefusal(S3ProbeResult probe, string bucket) => new(
        VersioningOff(probe, bucket),
        VersioningBreaksConditionalWrites(probe) ? StoreConfigurationProblem.VersioningBreaksConditionalWrites : StoreConfigurationProblem.VersioningOff);

    /// <summary>The refusal of a bucket where conditional writes do not hold (<paramref name="where"/>: its endpoint or region).</summary>
    public static ObjectStoreConfigurationException CasBrokenRefusal(S3ProbeResult probe, string bucket, string? where)
    {
        var advice = VersionedCasBroken(probe);
        return new(
            $"Bucket '{bucket}' at '{where}' cannot be used: {probe.Problem} Conditional writes are the only coordination Buquet has, so the store refuses to run here."
            + (advice is null ? "" : " " + advice),
            advice is null ? StoreConfigurationProblem.Unspecified : StoreConfigurationProblem.VersioningBreaksConditionalWrites);
    }

    /// <summary>The short form for <c>buquet doctor</c>'s versioning check.</summary>
    public static string VersioningOffShort(S3ProbeResult probe) => VersioningBreaksConditionalWrites(probe)
        ? $"off: keep it off on this endpoint (it behaves like Ceph RGW, where versioning breaks conditional writes) and set {AllowNoVersioning}"
        : $"off: enable bucket versioning or set {AllowNoVersioning}";

    /// <summary>What to add when conditional writes fail in a bucket with versioning on; null otherwise.</summary>
    public static string? VersionedCasBroken(S3ProbeResult probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        return probe.Versioning && !probe.CasHolds
            ? $"Versioning is enabled on this bucket, and on Ceph RGW versioning breaks conditional writes: use a bucket with versioning never enabled (or suspend it) and set {AllowNoVersioning}."
            : null;
    }
}
