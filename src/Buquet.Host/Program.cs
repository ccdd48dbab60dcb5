using Buquet.Host.Cli;

// The `buquet` executable: the operator CLI, the worker service, the demo and the dashboard; one line per command.
return await new CliApp([
    .. CliApp.OperatorCommands,
    WorkerCommand.Create,
    DemoCommand.Create,
    ServeCommand.Create,
    BenchCommand.Create,
]) { ProcessTerminationTimeout = TimeSpan.FromMinutes(2) }.RunAsync(args);
