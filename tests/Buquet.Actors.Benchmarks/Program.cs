// Benchmarks that print numbers; see docs/benchmarks.md.
// The kernel suite went with the home-grown actor kernel (the product runs on Akka.NET); no suite yet.

Console.WriteLine("usage: dotnet run -c Release --project tests/Buquet.Actors.Benchmarks -- <suite>");
Console.WriteLine("suites: (none)");
return 0;
