using System.Globalization;
using System.Text;
using Buquet.Actors.Storage;

namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>Malformed objects and foreign keys written into the bucket before the workers start: none may crash a worker.</summary>
public sealed partial class ChaosRun
{
    private async Task SeedJunkAsync(IObjectStore store, CancellationToken ct)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() + (long)_storeOffset.TotalSeconds);
        var bucketNow = (now.ToUnixTimeSeconds() / 60).ToString("D10", CultureInfo.InvariantCulture);
        var bucketPast = ((now.ToUnixTimeSeconds() / 60) - 5).ToString("D10", CultureInfo.InvariantCulture);
        var count = 0;
        foreach (var shard in "0123456789abcdef".Select(c => c.ToString()))
        {
            var junk = new (string Key, string Body)[]
            {
                ($"tasks/{shard}/{NewId()}.json", "{not json"),
                ($"tasks/{shard}/{NewId()}.json", "{\"id\":\"not-a-guid\",\"status\":\"zombie\"}"),
                ($"tasks/{shard}/README.txt", "foreign object"),
                ($"ready/{shard}/{bucketNow}/{NewId()}", ""),
                ($"ready/{shard}/{bucketNow}/not-a-guid", ""),
                ($"ready/{shard}/garbage-bucket/{NewId()}", ""),
                ($"leases/{shard}/{bucketPast}/{NewId()}", ""),
            };
            foreach (var (key, body) in junk)
            {
                await store.PutAsync(key, Encoding.UTF8.GetBytes(body), PutCondition.None, ct);
                count++;
            }
        }

        _signals["junk objects"] = count;
    }

    private Guid NewId()
    {
        var bytes = new byte[16];
        _random.NextBytes(bytes);
        return new Guid(bytes);
    }
}
