using System.Text;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Tests.Protocol;

public sealed class VectorTests
{
    [Fact]
    public void Shards_EveryVector_MatchesPeer()
    {
        var count = 0;
        foreach (var v in Vectors.Root.GetProperty("shards").EnumerateArray())
        {
            var id = Guid.Parse(v.GetProperty("task_id").GetString()!);
            var len = v.GetProperty("shard_prefix_len").GetInt32();
            Assert.Equal(v.GetProperty("shard").GetString(), Shards.For(id, len));
            Assert.Equal(v.GetProperty("shard").GetString(), ShardSpace.For(len).ShardOf(id));
            count++;
        }

        Assert.Equal(12, count);
    }

    [Fact]
    public void TimeBuckets_EveryVector_MatchesPeer()
    {
        foreach (var v in Vectors.Root.GetProperty("time_buckets").EnumerateArray())
        {
            Assert.True(Rfc3339.TryParse(v.GetProperty("timestamp").GetString(), out var t));
            Assert.Equal(v.GetProperty("bucket").GetString(), TimeBuckets.For(t));
        }
    }

    [Fact]
    public void Keys_TaskReadyLease_MatchPeer()
    {
        var keys = Vectors.Root.GetProperty("keys");
        var id = Guid.Parse("a1b2c3d4-e5f6-4789-abcd-ef1234567890");
        Assert.Equal(keys.GetProperty("task").GetString(), TaskKeys.Task("a", id));
        Assert.Equal(keys.GetProperty("ready").GetString(), TaskKeys.Ready("a", DateTimeOffset.Parse("2024-01-15T10:30:00Z", System.Globalization.CultureInfo.InvariantCulture), id));
        Assert.Equal(keys.GetProperty("lease").GetString(), TaskKeys.Lease("a", DateTimeOffset.Parse("2024-01-15T10:45:00Z", System.Globalization.CultureInfo.InvariantCulture), id));
    }

    [Fact]
    public void IdempotencyKeys_EveryVector_MatchHashAndObjectKey()
    {
        foreach (var v in Vectors.Root.GetProperty("idempotency_keys").EnumerateArray())
        {
            var scope = v.GetProperty("scope").GetString()!;
            var hash = Hashes.IdempotencyKeyHash(scope, v.GetProperty("key").GetString()!);
            Assert.Equal(v.GetProperty("key_hash").GetString(), hash);
            Assert.Equal(v.GetProperty("object_key").GetString(), TaskKeys.Idempotency(scope, Hashes.Hex(hash)));
        }
    }

    [Fact]
    public void CanonicalInput_EveryVector_MatchesTextAndHash()
    {
        var count = 0;
        foreach (var v in Vectors.Root.GetProperty("canonical_input").EnumerateArray())
        {
            var input = v.GetProperty("input");
            var canonical = CanonicalJson.Serialize(input.ValueKind == System.Text.Json.JsonValueKind.Null ? null : input);
            Assert.Equal(v.GetProperty("canonical").GetString(), canonical);
            Assert.Equal(v.GetProperty("input_hash").GetString(), Hashes.Sha256Prefixed(Encoding.UTF8.GetBytes(canonical)));
            count++;
        }

        Assert.Equal(11, count);
    }

    [Fact]
    public void ScheduleIdempotencyKey_Example_MatchesFormat()
    {
        var due = DateTimeOffset.FromUnixTimeSeconds(1769601600);
        Assert.Equal(Vectors.Root.GetProperty("schedule_idempotency_key_example").GetString(), $"schedule:daily-report:{due.ToUnixTimeSeconds()}");
    }
}
