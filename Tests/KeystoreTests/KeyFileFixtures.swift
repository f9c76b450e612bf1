// Fixed key files for the decryption tests. Every key and password here is
// test-only and public: never fund these accounts.

/// A key file and what it decrypts to.
struct KeyFileFixture: Sendable, CustomStringConvertible {
    let name: String
    let json: String
    let password: String
    /// The private key, hex without 0x (test-only).
    let key: String
    /// The account, checksummed.
    let address: String

    var description: String { name }
}

enum KeyFileFixtures {
    /// Written by eth-account 0.14.0 (PyPI) with its defaults: `Account.encrypt(key, password)`,
    /// scrypt n = 262144, r = 8, p = 1, 16-byte salt, checksummed address.
    static let ethAccountScrypt = KeyFileFixture(
        name: "eth-account scrypt (defaults)",
        json: """
        {"address": "9A024eD3936E779e2bCC430A2e97cA441ca4DaE2", "crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "106aa9ef39cb42a045335303297d9fc7"}, "ciphertext": "36a7c9ff50d570ce5cce9f9da78af3d531400e038c949de8d102f86fc7f806b0", "kdf": "scrypt", "kdfparams": {"dklen": 32, "n": 262144, "r": 8, "p": 1, "salt": "a59a3b2387772af13f4bc1fb377b8653"}, "mac": "bfb3d1c5b59bf045663ed1d60c9ae2f6e27d453bf30bd6dbd3d962cd693b8656"}, "id": "0ec63acd-c90f-4f55-a979-7f0d259a8ea5", "version": 3}
        """,
        password: "cloister-test-only-password",
        key: "c3eb7fd8ff2bf64c6377999c62fd604912111e2e89bc0044bc33ae5bf814a3bd",
        address: "0x9A024eD3936E779e2bCC430A2e97cA441ca4DaE2")

    /// Written by eth-account 0.14.0 with `kdf="pbkdf2"` and its default 1,000,000 iterations.
    static let ethAccountPBKDF2 = KeyFileFixture(
        name: "eth-account pbkdf2 (defaults)",
        json: """
        {"address": "9A024eD3936E779e2bCC430A2e97cA441ca4DaE2", "crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "4285eddb21858d62bd08c8c4d6950883"}, "ciphertext": "72b07da1d6210d9c848e599ebad4360be083d44061deeef2051c7e8090f17b10", "kdf": "pbkdf2", "kdfparams": {"c": 1000000, "dklen": 32, "prf": "hmac-sha256", "salt": "8260bb60557769c14c179ddf273649f4"}, "mac": "b3363cf7322cd42eb63035130c2540d38ec1324247e77970a26b8ef53effe5dd"}, "id": "37192b0d-8170-4143-85e6-5a20089d88f9", "version": 3}
        """,
        password: "cloister-test-only-password",
        key: "c3eb7fd8ff2bf64c6377999c62fd604912111e2e89bc0044bc33ae5bf814a3bd",
        address: "0x9A024eD3936E779e2bCC430A2e97cA441ca4DaE2")

    /// The PBKDF2 example of the Web3 Secret Storage definition (no address field).
    static let specPBKDF2 = KeyFileFixture(
        name: "Web3 Secret Storage definition, PBKDF2 example",
        json: """
        {"crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "6087dab2f9fdbbfaddc31a909735c1e6"},
          "ciphertext": "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
          "kdf": "pbkdf2", "kdfparams": {"c": 262144, "dklen": 32, "prf": "hmac-sha256",
            "salt": "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
          "mac": "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},
         "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6", "version": 3}
        """,
        password: "testpassword",
        key: "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d",
        address: "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b")

    /// The scrypt example of the Web3 Secret Storage definition: n = 2^18 with r = 1,
    /// which RFC 7914 forbids (n < 2^(16·r)) and BoringSSL refuses, so this module
    /// reports it unsupported (geth's Go scrypt opens it).
    static let specScrypt = KeyFileFixture(
        name: "Web3 Secret Storage definition, scrypt example",
        json: """
        {"crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "83dbcc02d8ccb40e466191a123791e0e"},
          "ciphertext": "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
          "kdf": "scrypt", "kdfparams": {"dklen": 32, "n": 262144, "r": 1, "p": 8,
            "salt": "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},
          "mac": "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},
         "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6", "version": 3}
        """,
        password: "testpassword",
        key: "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d",
        address: "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b")

    /// A key whose first byte is zero, stored as 31 bytes of ciphertext the way some
    /// early tools wrote it. Made with pycryptodome's scrypt and AES-CTR and eth-utils'
    /// keccak (an implementation independent of ours); eth-account opens it.
    static let shortKey = KeyFileFixture(
        name: "31-byte ciphertext (leading zero dropped)",
        json: """
        {"address": "35c26bd0dbfa4e80f1e6fc717948da962725c734", "crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "ac3f856d81498b76d3ffc3dbb0efa9e5"}, "ciphertext": "30e8786db4555f52eb13fe4e0ba3a2b07684f6ea128924a292ba25f2bb767c", "kdf": "scrypt", "kdfparams": {"dklen": 32, "n": 1024, "r": 8, "p": 1, "salt": "d6419440346778bbfb0fc795ea4d9ce0ec543a9b905a28118ccd33bb29d67a63"}, "mac": "877245f0a15c4977afee3a124efb92e856759e18f6df321957badec85280c494"}, "id": "8f6a1c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b", "version": 3}
        """,
        password: "short-key-test-only",
        key: "004c97fd3448f48d3cd31b50086ea630ed0503b2e6a30ae12b5bae1dca2509bb",
        address: "0x35c26bd0dBFA4e80F1E6Fc717948dA962725c734")
}
