using System.Text;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Storage;

public sealed class KeyOrderTests
{
    [Theory]
    [InlineData("a", "a-1")]
    [InlineData("a-1", "a/1")]
    [InlineData("A", "a")]
    [InlineData("\uFF61", "😀")]
    [InlineData("\uE000", "\U00010000")]
    [InlineData("z", "é")]
    public void CompareKeys_KeysInUtf8ByteOrder_AgreesWithBytes(string lower, string higher)
    {
        Assert.True(Encoding.UTF8.GetBytes(lower).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(higher)) < 0, "test data is not in byte order");
        Assert.True(KeyOrder.CompareKeys(lower, higher) < 0);
        Assert.True(KeyOrder.CompareKeys(higher, lower) > 0);
        Assert.Equal(0, KeyOrder.CompareKeys(lower, lower));
    }
}
