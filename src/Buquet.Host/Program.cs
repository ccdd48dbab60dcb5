using Buquet.Host.Cli;

// The `buquet` executable: the operator CLI (and, registered here as one line each, the worker service and demo).
return await new CliApp([
    .. CliApp.OperatorCommands,
    WorkerCommand.Create,
    DemoCommand.Create,
    ServeCommand.Create,
    BenchCommand.Create,
]) { ProcessTerminationTimeout = TimeSpan.FromMinutes(2) }.RunAsync(args);
