namespace Buquet.Actors.Kernel;

/// <summary>What a supervisor does with a failed child.</summary>
public enum Directive
{
    /// <summary>Keep the instance and its state; continue with the next message.</summary>
    Resume,

    /// <summary>Replace the instance with a fresh one from Props; the mailbox is kept, the failing message dropped.</summary>
    Restart,

    /// <summary>Stop the child.</summary>
    Stop,

    /// <summary>Fail the supervisor itself with the same exception.</summary>
    Escalate,
}

/// <summary>How a parent handles its children's failures (Akka's OneForOne / AllForOne).</summary>
public abstract class SupervisorStrategy
{
    /// <summary>Creates a strategy.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed within <paramref name="withinTimeRange"/>; -1 for unlimited.</param>
    /// <param name="withinTimeRange">The window; null for unbounded.</param>
    /// <param name="decider">Maps a failure to a directive; null for <see cref="DefaultDecider"/>.</param>
    protected SupervisorStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive>? decider)
    {
        if (maxNrOfRetries < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxNrOfRetries), maxNrOfRetries, "maxNrOfRetries must be -1 (unlimited) or >= 0.");
        }

        if (withinTimeRange is { } w && w <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(withinTimeRange), w, "withinTimeRange must be positive.");
        }

        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange;
        Decider = decider ?? DefaultDecider;
    }

    /// <summary>The default strategy: one-for-one, unlimited restarts, <see cref="DefaultDecider"/>.</summary>
    public static SupervisorStrategy Default { get; } = new OneForOneStrategy();

    /// <summary>A strategy that stops every failing child.</summary>
    public static SupervisorStrategy Stopping { get; } = new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>Restarts allowed within the window; -1 for unlimited.</summary>
    public int MaxNrOfRetries { get; }

    /// <summary>The retry window; null for unbounded.</summary>
    public TimeSpan? WithinTimeRange { get; }

    /// <summary>The decider.</summary>
    public Func<Exception, Directive> Decider { get; }

    /// <summary>True when the directive applies to all children (AllForOne).</summary>
    public abstract bool AppliesToAllChildren { get; }

    /// <summary>Akka's default: initialization, kill and death-pact failures stop the child; others restart it.</summary>
    /// <param name="cause">The failure.</param>
    /// <returns>The directive.</returns>
    public static Directive DefaultDecider(Exception cause) => cause switch
    {
        ActorInitializationException or ActorKilledException or DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>Records a restart for a child and says whether it is still allowed.</summary>
    internal bool RequestRestartPermission(ActorCell child, long nowTimestamp, TimeProvider clock)
    {
        if (MaxNrOfRetries == -1)
        {
            return true;
        }

        if (MaxNrOfRetries == 0)
        {
            return false;
        }

        if (WithinTimeRange is not { } window)
        {
            return ++child.RestartCount <= MaxNrOfRetries;
        }

        if (child.RestartCount == 0 || clock.GetElapsedTime(child.RestartWindowStart, nowTimestamp) > window)
        {
            child.RestartCount = 1;
            child.RestartWindowStart = nowTimestamp;
            return true;
        }

        return ++child.RestartCount <= MaxNrOfRetries;
    }
}

/// <summary>Applies the directive only to the failing child.</summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    /// <summary>Creates the strategy.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed within the window; -1 for unlimited.</param>
    /// <param name="withinTimeRange">The window; null for unbounded.</param>
    /// <param name="decider">The decider; null for the default.</param>
    public OneForOneStrategy(int maxNrOfRetries = -1, TimeSpan? withinTimeRange = null, Func<Exception, Directive>? decider = null)
        : base(maxNrOfRetries, withinTimeRange, decider)
    {
    }

    /// <summary>Creates an unlimited strategy with a decider.</summary>
    /// <param name="decider">The decider.</param>
    public OneForOneStrategy(Func<Exception, Directive> decider)
        : base(-1, null, decider)
    {
    }

    /// <inheritdoc />
    public override bool AppliesToAllChildren => false;
}

/// <summary>Applies Restart and Stop to all children of the supervisor (Resume only to the failing one).</summary>
public sealed class AllForOneStrategy : SupervisorStrategy
{
    /// <summary>Creates the strategy.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed within the window; -1 for unlimited.</param>
    /// <param name="withinTimeRange">The window; null for unbounded.</param>
    /// <param name="decider">The decider; null for the default.</param>
    public AllForOneStrategy(int maxNrOfRetries = -1, TimeSpan? withinTimeRange = null, Func<Exception, Directive>? decider = null)
        : base(maxNrOfRetries, withinTimeRange, decider)
    {
    }

    /// <inheritdoc />
    public override bool AppliesToAllChildren => true;
}
