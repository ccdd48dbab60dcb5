using Amazon.S3;
using Amazon.S3.Model;

namespace Buquet.Actors.Storage;

/// <summary>The bucket's lifecycle configuration: read, and Buquet's rules applied (<see cref="BucketLifecycle"/>).</summary>
public sealed partial class S3ObjectStore
{
    /// <summary>
    /// The bucket's enabled lifecycle rules that Buquet can read: a single prefix filter (or none: the whole bucket, prefix
    /// <c>""</c>), with their noncurrent-version expiration (<see cref="int.MaxValue"/> days when absent) and expired
    /// delete-marker removal. Empty when the bucket has no lifecycle configuration.
    /// </summary>
    public async Task<IReadOnlyList<BucketLifecycleRule>> GetLifecycleRulesAsync(CancellationToken cancellationToken = default) =>
        [.. (await GetRawLifecycleAsync(cancellationToken).ConfigureAwait(false))
            .Where(r => r.Status == LifecycleRuleStatus.Enabled && PrefixOf(r) is not null)
            .Select(r => new BucketLifecycleRule(
                r.Id ?? "",
                PrefixOf(r)!,
                r.NoncurrentVersionExpiration?.NoncurrentDays ?? int.MaxValue,
                r.Expiration?.ExpiredObjectDeleteMarker == true))];

    /// <summary>
    /// Applies <paramref name="rules"/>: the bucket's rules whose id starts with <see cref="BucketLifecycle.IdPrefix"/> are
    /// replaced by these; every other rule of the bucket is kept as it was (S3 replaces the whole configuration at once).
    /// </summary>
    public async Task PutLifecycleRulesAsync(IReadOnlyList<BucketLifecycleRule> rules, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var others = (await GetRawLifecycleAsync(cancellationToken).ConfigureAwait(false))
            .Where(r => r.Id is null || !r.Id.StartsWith(BucketLifecycle.IdPrefix, StringComparison.Ordinal));
        var all = others.Concat(rules.Select(ToAws)).ToList();
        var request = new PutLifecycleConfigurationRequest { BucketName = _bucket, Configuration = new LifecycleConfiguration { Rules = all } };
        await _retry.RunAsync($"PUT lifecycle of '{_bucket}'", c => _s3.PutLifecycleConfigurationAsync(request, c), null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<LifecycleRule>> GetRawLifecycleAsync(CancellationToken cancellationToken)
    {
        return await _retry.RunAsync($"GET lifecycle of '{_bucket}'", async c =>
        {
            try
            {
                var response = await _s3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = _bucket }, c).ConfigureAwait(false);
                return response.Configuration?.Rules ?? [];
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchLifecycleConfiguration")
            {
                return [];
            }
        }, null, cancellationToken).ConfigureAwait(false);
    }

    private static string? PrefixOf(LifecycleRule rule)
    {
        if (rule.Filter is { } filter)
        {
            if (filter.And is not null || filter.Tag is not null)
            {
                return null; // narrower than a prefix: it does not cover every object of one
            }

            return filter.Prefix ?? (filter.LifecycleFilterPredicate as LifecyclePrefixPredicate)?.Prefix ?? "";
        }

        // A rule written with the legacy top-level <Prefix> element (before filters existed) still applies to its prefix.
#pragma warning disable CS0618
        return rule.Prefix ?? "";
#pragma warning restore CS0618
    }

    private static LifecycleRule ToAws(BucketLifecycleRule rule) => new()
    {
        Id = rule.Id,
        Status = LifecycleRuleStatus.Enabled,
        Filter = new LifecycleFilter { Prefix = rule.Prefix },
        NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = rule.NoncurrentDays },
        Expiration = rule.RemoveExpiredDeleteMarkers ? new LifecycleRuleExpiration { ExpiredObjectDeleteMarker = true } : null,
    };
}
