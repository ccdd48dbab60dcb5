namespace Buquet.Actors.Kernel.Hosting;

/// <summary>Configures the actor system registered by <see cref="ActorSystemServiceCollectionExtensions.AddActorSystem"/>.</summary>
public sealed class ActorSystemBuilder
{
    private readonly List<Func<IServiceProvider, ActorSystemOptions, ActorSystemOptions>> _options = [];
    private readonly List<Action<ActorSystem, ActorRegistry, IServiceProvider>> _starters = [];

    internal ActorSystemBuilder(string name) => Name = name;

    /// <summary>The system name.</summary>
    public string Name { get; }

    /// <summary>Exit code set when a failure escalates past the guardian (default 1).</summary>
    public int FatalExitCode { get; set; } = 1;

    /// <summary>Sets the process exit code on a fatal failure; default writes <see cref="Environment.ExitCode"/>. Replace in tests.</summary>
    public Action<int> SetExitCode { get; set; } = static code => Environment.ExitCode = code;

    /// <summary>Adjusts the options (clock, logging, guardian strategy, phases); applied in order.</summary>
    /// <param name="configure">Returns the updated options (use a <c>with</c> expression).</param>
    /// <returns>This builder.</returns>
    public ActorSystemBuilder WithOptions(Func<IServiceProvider, ActorSystemOptions, ActorSystemOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _options.Add(configure);
        return this;
    }

    /// <summary>Creates actors when the host starts; register named ones in the registry.</summary>
    /// <param name="start">Creates the actors.</param>
    /// <returns>This builder.</returns>
    public ActorSystemBuilder WithActors(Action<ActorSystem, ActorRegistry, IServiceProvider> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        _starters.Add(start);
        return this;
    }

    internal ActorSystemOptions BuildOptions(IServiceProvider services, ActorSystemOptions defaults) =>
        _options.Aggregate(defaults, (current, configure) => configure(services, current));

    internal void StartActors(ActorSystem system, ActorRegistry registry, IServiceProvider services)
    {
        foreach (var start in _starters)
        {
            start(system, registry, services);
        }
    }
}
