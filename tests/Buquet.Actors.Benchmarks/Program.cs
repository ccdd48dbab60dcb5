// Benchmarks that print numbers; see docs/benchmarks.md.
// The kernel suite was removed with the home-grown actor kernel (the product runs on Akka.NET).

Console.WriteLine("usage: dotnet run -c Release --project tests/Buquet.Actors.Benchmarks -- <suite>");
Console.WriteLine("suites: (none)");
return args.Length > 0 ? 2 : 0;
