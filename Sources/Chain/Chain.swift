// Chain: block import, fork choice, reorgs, canonical index, transaction pool, block producer.
