# shellcheck shell=sh
# tests/lib/pki.sh - test PKI for jwtcred's integration tests (source this file).
#
#   pki_make DIR   generate everything below into DIR (skipped if DIR/done exists)
#
# Files written (every private key and the passphrase file are mode 0600):
#   ca.crt ca.key                 test CA (RSA 2048), the one to trust (--cacert)
#   server.crt server.key         CN=localhost, SAN DNS:localhost,IP:127.0.0.1, signed by ca
#   other-ca.crt other-ca.key     a second, unrelated CA
#   other-server.crt/.key         CN=localhost with the right SAN, signed by other-ca
#                                 (for "server certificate from an unknown CA")
#   wronghost.crt wronghost.key   SAN DNS:wrong.example only, signed by ca
#                                 (for "server certificate for the wrong host")
#   client.key                    RSA 2048, PEM PKCS#8 ("BEGIN PRIVATE KEY")
#   client.crt                    self-signed certificate for client.key, 365 days
#                                 (what is uploaded to a Salesforce connected app)
#   client-pkcs1.key              the same key as PKCS#1 ("BEGIN RSA PRIVATE KEY")
#   client-enc.key                the same key as encrypted PKCS#8 (AES-256-CBC)
#   passphrase.txt                its passphrase, one line ending in a newline
#   other.key                     an unrelated RSA 2048 key (key does not match client.crt)
#   ec.key ec.crt                 EC P-256 key (PKCS#8) and its self-signed certificate
#   ec384.key ec384.crt           EC P-384 key and certificate
#   ec521.key ec521.crt           EC P-521 key and certificate
#   ed25519.key ed25519.crt       Ed25519 key and certificate
#   KEY-enc.key                   encrypted PKCS#8 (AES-256-CBC, passphrase.txt) of
#                                 ec, ec384, ec521 and ed25519 (client-enc.key for RSA)
#   ec-sec1.key                   ec.key as SEC1 ("BEGIN EC PRIVATE KEY")
#   client.p12 ec384.p12 ed25519.p12
#                                 PKCS#12 of the key and its certificate, AES-256,
#                                 passphrase.txt (what openssl pkcs12 -export makes)
#   client-legacy.p12             client.key in a PKCS#12 with RC2-40 and 3DES (-legacy:
#                                 what Java 8 keytool and OpenSSL 1.x export)
#   client-nopass.p12             client.key in a PKCS#12 with an empty passphrase
#   client-soon.crt               client.key's certificate, valid 10 days (check warns)
#   client-expired.crt            client.key's certificate, expired yesterday
#   sa.key sa.crt                 a Google service account's RSA key and certificate
#   done-2                        marker written last
#
# Only the openssl command line tool is used. Plain POSIX sh.

# Minimal OpenSSL config: no dependency on the system openssl.cnf, and explicit
# extension sections so that leaf certificates are never marked CA:TRUE.
_pki_write_config() {
    cat >"$1" <<'EOF'
[ req ]
distinguished_name = dn
prompt             = no
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
[ server_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
[ wronghost_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:wrong.example
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
[ client_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
subjectKeyIdentifier   = hash
EOF
}

# _pki_rsa OUT: new RSA 2048 private key, PEM PKCS#8.
_pki_rsa() {
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1"
}

# _pki_ca NAME CN: self-signed CA NAME.crt / NAME.key.
_pki_ca() {
    _pki_rsa "$1.key" &&
    openssl req -config openssl.cnf -new -x509 -key "$1.key" -out "$1.crt" \
        -days 30 -sha256 -subj "/CN=$2" -extensions ca_ext
}

# _pki_leaf NAME CA EXT CN: key NAME.key and certificate NAME.crt signed by CA.
_pki_leaf() {
    _pki_rsa "$1.key" &&
    openssl req -config openssl.cnf -new -key "$1.key" -out "$1.csr" \
        -subj "/CN=$4" &&
    openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" \
        -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
        -days 30 -sha256 -extfile openssl.cnf -extensions "$3" -out "$1.crt" &&
    rm -f "$1.csr"
}

pki_make() {
    if [ $# -ne 1 ] || [ -z "$1" ]; then
        echo "usage: pki_make DIR" >&2
        return 2
    fi
    [ -f "$1/done-2" ] && return 0
    mkdir -p "$1" || return 1
    # Everything runs in a subshell: cd, umask and set -e stay local.
    # OpenSSL's progress output goes to DIR/pki.log, shown only on failure.
    if ! (
        set -e
        cd "$1"
        umask 077
        _pki_write_config openssl.cnf

        _pki_ca ca "jwtcred test CA"
        _pki_leaf server ca server_ext localhost
        _pki_ca other-ca "jwtcred unrelated CA"
        _pki_leaf other-server other-ca server_ext localhost
        _pki_leaf wronghost ca wronghost_ext wrong.example

        # The client key and its self-signed certificate (the connected app's).
        _pki_rsa client.key
        openssl req -config openssl.cnf -new -x509 -key client.key -out client.crt \
            -days 365 -sha256 -subj "/CN=jwtcred test client" -extensions client_ext
        openssl rsa -in client.key -traditional -out client-pkcs1.key
        printf '%s\n' 'jwtcred test passphrase' >passphrase.txt
        openssl pkcs8 -topk8 -v2 aes-256-cbc -in client.key -out client-enc.key \
            -passout file:passphrase.txt

        _pki_rsa other.key
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key
        openssl req -config openssl.cnf -new -x509 -key ec.key -out ec.crt \
            -days 365 -sha256 -subj "/CN=jwtcred test EC client" -extensions client_ext

        # Every key type and format the providers take.
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ec384.key
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out ec521.key
        openssl genpkey -algorithm ED25519 -out ed25519.key
        for k in ec384 ec521; do
            openssl req -config openssl.cnf -new -x509 -key $k.key -out $k.crt \
                -days 365 -sha256 -subj "/CN=jwtcred test $k client" -extensions client_ext
        done
        openssl req -config openssl.cnf -new -x509 -key ed25519.key -out ed25519.crt \
            -days 365 -subj "/CN=jwtcred test ed25519 client" -extensions client_ext
        for k in ec ec384 ec521 ed25519; do
            openssl pkcs8 -topk8 -v2 aes-256-cbc -in $k.key -out $k-enc.key \
                -passout file:passphrase.txt
        done
        openssl ec -in ec.key -out ec-sec1.key
        for k in client ec384 ed25519; do
            openssl pkcs12 -export -inkey $k.key -in $k.crt -name "jwtcred $k" \
                -out $k.p12 -passout file:passphrase.txt
        done
        openssl pkcs12 -export -legacy -inkey client.key -in client.crt -name jwtcred \
            -out client-legacy.p12 -passout file:passphrase.txt
        openssl pkcs12 -export -inkey client.key -in client.crt -name jwtcred \
            -out client-nopass.p12 -passout pass:
        openssl req -config openssl.cnf -new -x509 -key client.key -out client-soon.crt \
            -days 10 -sha256 -subj "/CN=jwtcred test client" -extensions client_ext
        openssl x509 -in client.crt -signkey client.key -days -1 -out client-expired.crt
        _pki_rsa sa.key
        openssl req -config openssl.cnf -new -x509 -key sa.key -out sa.crt \
            -days 365 -sha256 -subj "/CN=jwtcred test service account" -extensions client_ext

        chmod 600 ./*.key ./*.p12 passphrase.txt
        chmod 644 ./*.crt
        rm -f ./*.srl
        : >"done-2"
    ) >"$1/pki.log" 2>&1; then
        echo "pki_make: openssl failed in $1:" >&2
        cat "$1/pki.log" >&2
        return 1
    fi
}
