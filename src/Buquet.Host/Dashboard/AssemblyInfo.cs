using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Buquet.Host.Tests")]
