using System.Globalization;
using System.Text.Json.Nodes;
using Buquet.Actors.Storage;

namespace Buquet.Host.Bench;

/// <summary>Request counts (or rates) by S3 operation. Values are doubles so a mix can be "per task" or "per minute".</summary>
internal sealed record RequestMix(double Get, double Put, double List, double Delete, double Head)
{
    public static RequestMix Zero { get; } = new(0, 0, 0, 0, 0);

    /// <summary>Every request.</summary>
    public double Total => Get + Put + List + Delete + Head;

    /// <summary>PUT-class requests as S3 bills them (PUT, COPY, POST, LIST).</summary>
    public double PutClass => Put + List;

    /// <summary>The counts of a <see cref="RequestCountingObjectStore"/> snapshot, every outcome included.</summary>
    public static RequestMix From(RequestCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return new(counts[StoreOperation.Get], counts[StoreOperation.Put], counts[StoreOperation.List], counts[StoreOperation.Delete], counts[StoreOperation.Head]);
    }

    public RequestMix Plus(RequestMix other) =>
        new(Get + other.Get, Put + other.Put, List + other.List, Delete + other.Delete, Head + other.Head);

    /// <summary>Every count divided by <paramref name="divisor"/> (e.g. per completed task); zero when the divisor is not positive.</summary>
    public RequestMix Per(double divisor) => divisor <= 0
        ? Zero
        : new(Get / divisor, Put / divisor, List / divisor, Delete / divisor, Head / divisor);

    public RequestMix Times(double factor) => new(Get * factor, Put * factor, List * factor, Delete * factor, Head * factor);

    public JsonObject ToJson(int decimals = 3) => new()
    {
        ["get"] = Math.Round(Get, decimals),
        ["put"] = Math.Round(Put, decimals),
        ["list"] = Math.Round(List, decimals),
        ["delete"] = Math.Round(Delete, decimals),
        ["head"] = Math.Round(Head, decimals),
        ["total"] = Math.Round(Total, decimals),
        ["put_class"] = Math.Round(PutClass, decimals),
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"GET {Get:0.##} PUT {Put:0.##} LIST {List:0.##} DELETE {Delete:0.##} HEAD {Head:0.##} (total {Total:0.##})");
}
