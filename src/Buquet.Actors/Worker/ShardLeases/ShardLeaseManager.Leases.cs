using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;

namespace Buquet.Actors.Worker.ShardLeases;

internal sealed partial class ShardLeaseManager
{
    /// <summary>
    /// §3.19 acquire: absent ⇒ create with <c>If-None-Match: *</c>; ours already ⇒ refresh by CAS; held and not expired
    /// (<c>lease_expires_at &gt; now</c>) ⇒ not acquired; expired or unreadable ⇒ take over by CAS on its ETag.
    /// Any lost precondition means someone else got there first.
    /// </summary>
    internal async Task<bool> TryAcquireAsync(string shard, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = TaskKeys.ShardLease(shard);
        var existing = await _store.GetAsync(key, cancellationToken);
        PutCondition condition;
        if (existing is null)
        {
            condition = PutCondition.IfNoneMatch;
        }
        else
        {
            ShardLease? lease = null;
            try
            {
                lease = ModelJson.ParseShardLease(existing.Body, key);
            }
            catch (MalformedObjectException ex)
            {
                _logger.LogWarning("Unreadable shard lease {Key} taken over: {Problem}", key, ex.Problem);
            }

            if (lease is not null && !lease.IsExpiredAt(now) && !string.Equals(lease.WorkerId, WorkerId, StringComparison.Ordinal))
            {
                return false;
            }

            condition = PutCondition.IfMatch(existing.ETag);
        }

        if (!await WriteLeaseAsync(shard, now, condition, cancellationToken))
        {
            return false;
        }

        _logger.LogInformation("Worker {WorkerId} acquired shard {Shard}", WorkerId, shard);
        return true;
    }

    /// <summary>§3.19 renew: CAS on the ETag of our last write, so a lease someone else took over is never overwritten.</summary>
    private async Task<int> RenewAllAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lost = 0;
        foreach (var (shard, held) in _owned.ToList())
        {
            if (!await WriteLeaseAsync(shard, now, PutCondition.IfMatch(held.ETag), cancellationToken))
            {
                _owned.Remove(shard);
                lost++;
                _logger.LogWarning("Shard lease {Shard} lost by {WorkerId} (someone took it over)", shard, WorkerId);
            }
        }

        return lost;
    }

    private async Task<bool> WriteLeaseAsync(string shard, DateTimeOffset now, PutCondition condition, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var expires = now + Settings.LeaseTtl;
        var body = ModelJson.Serialize(new ShardLease(shard, WorkerId, expires, now));
        var put = await _store.PutAsync(TaskKeys.ShardLease(shard), body, condition, cancellationToken);
        if (!put.Succeeded)
        {
            return false;
        }

        // Trusted locally until TTL after the write started (monotonic time), renewed long before that.
        var deadline = started + (long)(Settings.LeaseTtl.TotalSeconds * _time.TimestampFrequency);
        _owned[shard] = new Held(put.ETag!, expires, deadline);
        return true;
    }

    /// <summary>§3.19 release: DELETE, but only a lease that is still ours (If-Match where the store honours it).</summary>
    private async Task ReleaseAsync(string shard, CancellationToken cancellationToken)
    {
        if (!_owned.Remove(shard, out var held))
        {
            return;
        }

        var key = TaskKeys.ShardLease(shard);
        if (_store.Capabilities.ConditionalDelete)
        {
            await _store.DeleteAsync(key, held.ETag, cancellationToken);
            return;
        }

        var current = await _store.HeadAsync(key, cancellationToken);
        if (current is not null && ETags.Equal(current.ETag, held.ETag))
        {
            await _store.DeleteAsync(key, null, cancellationToken);
        }
    }
}
