using System.Globalization;
using Buquet.Actors.Scheduling.Cron;
using Buquet.Actors.Tests.Scheduling.Cron.Oracle;
using Xunit.Abstractions;

namespace Buquet.Actors.Tests.Scheduling.Cron;

/// <summary>
/// Differential test of the Cronos-based <see cref="CronExpression"/> against the pre-Cronos evaluator kept as the
/// oracle (<see cref="OracleCronEvaluator"/>): random expressions of buquet's dialect, in zones with and without DST,
/// walked occurrence by occurrence from instants near DST transitions and near the end of 2100. Seeded: a failure
/// names the expression, zone and instant, and reruns identically.
/// </summary>
public sealed class CronosDifferentialTests(ITestOutputHelper output)
{
    private const int Seed = 20261206;
    private const int Expressions = 600;
    private const int StartsPerZone = 4;
    private const int StepsPerStart = 12;

    private static readonly string[] ZoneIds =
        ["America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC", "Asia/Kolkata"];

    /// <summary>Offsets from a transition at which walks start (minutes; sub-minute ones are added at random).</summary>
    private static readonly int[] OffsetsMinutes = [-180, -121, -90, -61, -60, -31, -30, -1, 0, 1, 29, 30, 59, 60, 61, 90, 120];

    [Fact]
    public void GetNextOccurrence_RandomExpressionsNearDstTransitions_MatchesPreCronosEvaluator()
    {
        var random = new Random(Seed);
        var zones = ZoneIds.Select(CronTimeZone.Resolve).ToArray();
        var transitions = zones.Select(Transitions).ToArray();
        var anyTransitions = transitions.SelectMany(t => t).ToArray();
        var steps = 0;
        var mismatches = new List<string>();

        for (var e = 0; e < Expressions; e++)
        {
            var text = RandomCronGenerator.Next(random);
            var sut = CronExpression.Parse(text);
            var oracle = new OracleCronEvaluator(text);
            for (var z = 0; z < zones.Length; z++)
            {
                var near = transitions[z].Length > 0 ? transitions[z] : anyTransitions;
                for (var s = 0; s < StartsPerZone; s++)
                {
                    var cursor = StartInstant(random, near);
                    for (var step = 0; step < StepsPerStart; step++)
                    {
                        var expected = oracle.GetNextOccurrence(cursor, zones[z]);
                        var actual = sut.GetNextOccurrence(cursor, zones[z]);
                        steps++;
                        if (!SameInstantAndOffset(expected, actual))
                        {
                            mismatches.Add(
                                $"\"{text}\" (Cronos \"{sut.CronosText}\") in {ZoneIds[z]} after {cursor:O}: "
                                + $"oracle {expected:O}, Cronos {actual:O}");
                            break;
                        }

                        if (actual is null)
                        {
                            break;
                        }

                        cursor = actual.Value;
                    }
                }
            }
        }

        output.WriteLine($"seed {Seed}: {steps} compared steps, {mismatches.Count} mismatches");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatches in {steps} steps:\n" + string.Join('\n', mismatches.Take(20)));
        Assert.True(steps > Expressions * ZoneIds.Length * StartsPerZone * 4, $"only {steps} steps compared");
    }

    private static bool SameInstantAndOffset(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null || b is null ? a is null && b is null : a.Value.UtcTicks == b.Value.UtcTicks && a.Value.Offset == b.Value.Offset;

    /// <summary>A start near a transition; one in ten in late 2100 instead, to walk into the year limit.</summary>
    private static DateTimeOffset StartInstant(Random random, DateTimeOffset[] transitions)
    {
        if (random.Next(10) == 0)
        {
            return new DateTimeOffset(2100, 10, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(92 * 24 * 60));
        }

        var start = transitions[random.Next(transitions.Length)].AddMinutes(OffsetsMinutes[random.Next(OffsetsMinutes.Length)]);
        return random.Next(4) switch
        {
            0 => start.AddSeconds(random.Next(1, 60)),
            1 => start.AddTicks(-1),
            _ => start,
        };
    }

    /// <summary>Instants where the zone's UTC offset changes in 2025-2027 and in 2100 (15-minute resolution).</summary>
    private static DateTimeOffset[] Transitions(TimeZoneInfo zone)
    {
        var found = new List<DateTimeOffset>();
        foreach (var (from, to) in new[] { (2025, 2028), (2100, 2101) })
        {
            var t = new DateTimeOffset(from, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var end = new DateTimeOffset(to, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var offset = zone.GetUtcOffset(t);
            for (; t < end; t = t.AddMinutes(15))
            {
                var next = zone.GetUtcOffset(t);
                if (next != offset)
                {
                    found.Add(t);
                    offset = next;
                }
            }
        }

        return [.. found];
    }
}
