using System.Text;
using Buquet.Actors.Storage;

namespace Buquet.Host.Cli;

/// <summary>One doctor check.</summary>
internal sealed record DoctorCheck(string Name, DoctorStatus Status, string Detail);

/// <summary>Outcome of a doctor check.</summary>
internal enum DoctorStatus
{
    Ok,
    Warn,
    Fail,
    Skip,
}

/// <summary>
/// The conformance probe: proves on fresh <c>.doctor-test/{uuid}</c> keys that the store's conditional writes hold —
/// a second create-only PUT fails, a stale If-Match fails, and of 16 racing create-only PUTs exactly one wins.
/// Every key it writes is deleted afterwards (best effort).
/// </summary>
internal static class DoctorProbe
{
    public const int Racers = 16;

    public static async Task<IReadOnlyList<DoctorCheck>> RunAsync(IObjectStore store, CancellationToken ct)
    {
        var checks = new List<DoctorCheck>();
        var keys = new List<string>();
        string NewKey()
        {
            var key = ".doctor-test/" + Guid.NewGuid().ToString("N");
            keys.Add(key);
            return key;
        }

        try
        {
            var key = NewKey();
            var first = await store.PutAsync(key, Bytes("doctor-1"), PutCondition.IfNoneMatch, ct);
            var second = await store.PutAsync(key, Bytes("doctor-2"), PutCondition.IfNoneMatch, ct);
            var kept = await store.GetAsync(key, ct);
            checks.Add(!first.Succeeded
                ? new("create-only write", DoctorStatus.Fail, "a create-only PUT (If-None-Match: *) of a fresh key was refused")
                : second.Succeeded || kept is null || Encoding.UTF8.GetString(kept.Body.Span) != "doctor-1"
                    ? new("create-only write", DoctorStatus.Fail, "a second create-only PUT of the same key was accepted (expected 412 Precondition Failed): the store ignores If-None-Match")
                    : new("create-only write", DoctorStatus.Ok, "second create of the same key got 412"));

            if (first.Succeeded && kept is not null)
            {
                var updated = await store.PutAsync(key, Bytes("doctor-3"), PutCondition.IfMatch(kept.ETag), ct);
                var stale = await store.PutAsync(key, Bytes("doctor-4"), PutCondition.IfMatch(kept.ETag), ct);
                var now = await store.GetAsync(key, ct);
                checks.Add(!updated.Succeeded
                    ? new("compare-and-swap write", DoctorStatus.Fail, "If-Match with the current ETag got 412 (expected the write to land)")
                    : stale.Succeeded || now is null || Encoding.UTF8.GetString(now.Body.Span) != "doctor-3"
                        ? new("compare-and-swap write", DoctorStatus.Fail, "If-Match with a stale ETag was accepted (expected 412 Precondition Failed): the store ignores If-Match")
                        : new("compare-and-swap write", DoctorStatus.Ok, "current ETag accepted, stale ETag got 412"));
            }
            else
            {
                checks.Add(new("compare-and-swap write", DoctorStatus.Skip, "skipped: the create-only write did not land"));
            }

            var raceKey = NewKey();
            var puts = Enumerable.Range(0, Racers).Select(i => Task.Run(() => store.PutAsync(raceKey, Bytes("racer-" + i), PutCondition.IfNoneMatch, ct), ct)).ToArray();
            var results = await Task.WhenAll(puts);
            var winners = results.Select((r, i) => (r, i)).Where(x => x.r.Succeeded).ToList();
            var stored = await store.GetAsync(raceKey, ct);
            checks.Add(winners.Count == 1 && stored is not null && Encoding.UTF8.GetString(stored.Body.Span) == "racer-" + winners[0].i
                ? new($"{Racers} racing creates", DoctorStatus.Ok, "exactly one winner, and its body is the one stored")
                : new($"{Racers} racing creates", DoctorStatus.Fail, $"{winners.Count} of {Racers} concurrent create-only PUTs of one key reported success (expected exactly 1)"));
        }
        finally
        {
            foreach (var key in keys)
            {
                try
                {
                    await store.DeleteAsync(key, null, CancellationToken.None);
                }
                catch (ObjectStoreUnavailableException)
                {
                    // Best effort: a leftover .doctor-test object is harmless.
                }
            }
        }

        return checks;
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}
