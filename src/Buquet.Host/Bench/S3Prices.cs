using System.Text.Json.Nodes;

namespace Buquet.Host.Bench;

/// <summary>
/// S3 request prices in dollars per 1,000 requests. <see cref="AwsStandard"/> is AWS S3 Standard (us-east-1) list
/// pricing: PUT, COPY, POST, LIST $0.005; GET, HEAD (and all other requests) $0.0004; DELETE free. Storage and data
/// transfer are not modelled.
/// </summary>
internal sealed record S3Prices(string Name, string AsOf, decimal PutClassPer1000, decimal GetClassPer1000, decimal DeletePer1000)
{
    /// <summary>AWS S3 Standard, us-east-1, list prices (the same table buquet's docs use, "AWS 2025").</summary>
    public static S3Prices AwsStandard { get; } = new("AWS S3 Standard us-east-1 list prices", "2026-11-23 (unchanged since 2023)", 0.005m, 0.0004m, 0m);

    /// <summary>Dollars for the requests of <paramref name="mix"/> (LIST billed as PUT-class, HEAD as GET-class).</summary>
    public decimal Cost(RequestMix mix)
    {
        ArgumentNullException.ThrowIfNull(mix);
        return ((decimal)(mix.Put + mix.List) * PutClassPer1000
            + (decimal)(mix.Get + mix.Head) * GetClassPer1000
            + (decimal)mix.Delete * DeletePer1000) / 1000m;
    }

    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["as_of"] = AsOf,
        ["put_copy_post_list_per_1000"] = PutClassPer1000,
        ["get_head_per_1000"] = GetClassPer1000,
        ["delete_per_1000"] = DeletePer1000,
    };
}
