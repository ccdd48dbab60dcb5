using System.Globalization;
using Akka.Actor;
using Akka.Cluster;

namespace Buquet.Actors.Cluster;

/// <summary>
/// Answers other seeds' probes with this node's Up member count and, while this node is alone in its cluster, asks the
/// other seeds every <see cref="SeedProbe.Interval"/>; leaves (a new system then joins through the seeds) when a seed
/// answers from a bigger cluster, or from another singleton earlier in the seed list (see <see cref="SeedProbe"/>).
/// </summary>
internal sealed class SeedProbeActor : ReceiveActor, IWithTimers
{
    /// <summary>This actor's timers (set by Akka before the constructor body runs).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    // Immutable after construction.
    private readonly IReadOnlyList<Address> _seeds;
    private readonly Action<string> _leave;
    private readonly Akka.Cluster.Cluster _cluster;

    public SeedProbeActor(IReadOnlyList<Address> seeds, Action<string> leave)
    {
        _seeds = seeds;
        _leave = leave;
        _cluster = Akka.Cluster.Cluster.Get(Context.System);
        Become(Probing);
    }

    /// <summary>Alone in a cluster of its own: <c>Up</c>, and no other member at all (an unreachable one still counts).</summary>
    private bool Alone => _cluster.SelfMember.Status == MemberStatus.Up && _cluster.State.Members.Count == 1;

    protected override void PreStart()
    {
        if (_seeds.Any(s => !s.Equals(_cluster.SelfAddress)))
        {
            Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, SeedProbe.Interval);
        }
    }

    private void Probing()
    {
        Receive<Tick>(_ => AskOtherSeeds());
        Receive<string>(OnText);
    }

    /// <summary>This node has left to join the seeds: only answers, no more questions.</summary>
    private void Leaving()
    {
        Receive<Tick>(_ => { });
        Receive<string>(text => Answer(text));
    }

    private void AskOtherSeeds()
    {
        if (!Alone)
        {
            return;
        }

        foreach (var seed in _seeds.Where(s => !s.Equals(_cluster.SelfAddress)))
        {
            Context.ActorSelection(new RootActorPath(seed) / "user" / SeedProbe.Name).Tell(SeedProbe.Query, Self);
        }
    }

    private void OnText(string text)
    {
        if (Answer(text) || !text.StartsWith(SeedProbe.AnswerKind, StringComparison.Ordinal)
            || !int.TryParse(text.AsSpan(SeedProbe.AnswerKind.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var members) || !Alone)
        {
            return; // anything else (another version's text) is ignored
        }

        var from = Sender.Path.Address;
        if (members >= 2 || (members == 1 && SeedIndex(from) < SeedIndex(_cluster.SelfAddress)))
        {
            Become(Leaving);
            _leave($"seed {from} runs a cluster of {members} that this node, alone in its own, is not part of");
        }
    }

    /// <summary>Answers a question; true when <paramref name="text"/> was one.</summary>
    private bool Answer(string text)
    {
        if (!string.Equals(text, SeedProbe.Query, StringComparison.Ordinal))
        {
            return false;
        }

        var up = _cluster.SelfMember.Status == MemberStatus.Up ? _cluster.State.Members.Count(m => m.Status == MemberStatus.Up) : 0;
        Sender.Tell(SeedProbe.AnswerKind + up.ToString(CultureInfo.InvariantCulture), Self);
        return true;
    }

    private int SeedIndex(Address address)
    {
        for (var i = 0; i < _seeds.Count; i++)
        {
            if (_seeds[i].Equals(address))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
