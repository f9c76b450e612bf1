// Keystore: Web3 Secret Storage v3 key files, a geth-style key directory,
// BIP-39 mnemonic seeds and BIP-32/BIP-44 key derivation.
//
// Overview
//   `EncryptedKey` is a parsed v3 key file (the JSON geth, eth-account and
//   MetaMask write); `Web3SecretStorage.encrypt/decrypt` are the one-call forms.
//   `KeyDirectory` lists, stores and finds such files under geth's
//   `UTC--<time>--<address>` names. `Mnemonic` checks a BIP-39 phrase and turns
//   it into a seed; `ExtendedPrivateKey` and `DerivationPath` walk BIP-32 paths
//   such as `m/44'/60'/0'/0/5` (BIP-44, coin type 60 = Ether).
//
// Naming
//   A type's state is in its name: `EncryptedKey` holds only ciphertext;
//   `ExtendedPrivateKey` holds a key with its chain code. Parameters of the key
//   derivation function are `KeyDerivation` values (`.scrypt(n:r:p:)`,
//   `.pbkdf2(c:)`), spelled as the key file spells them.
//
// Errors
//   Every failure is a `KeystoreError` (typed throws). A wrong password is
//   `.wrongPassword`, whose text is geth's "could not decrypt key with given
//   password"; a file that is not a v3 key file says which field is wrong.
//   Untrusted files never trap, and KDF parameters are bounded
//   (`KeyDerivation.maxScryptN`, …) before any memory is allocated for them.
//
// Secrets
//   Keys, seeds and derived keys are never printed or logged: `description`
//   of every type that holds one shows only public data. Temporary copies of
//   key material held in arrays are zeroed after use (`zeroize`); copies that
//   swift-crypto or the Swift runtime make internally (`Data` inside the KDFs,
//   `String` passwords) cannot be reached and are not.
//
// Performance
//   The standard scrypt parameters (n = 2^18, r = 8, p = 1) take 256 MiB and
//   about a second per encryption or decryption on one core; that cost is the
//   point of the format. Everything here is synchronous and `Sendable`.
