// Consensus: the `ConsensusEngine` protocol and its Clique (EIP-225) implementation.
//
// An engine decides who may seal a block and how heavy a block is for fork choice;
// it reads earlier headers only through `HeaderReader`, so the chain layer can hand
// it any source (its database, a batch being imported, a test table).
