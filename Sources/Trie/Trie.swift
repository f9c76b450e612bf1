// Placeholder replaced by the Trie implementation in this same change series.
