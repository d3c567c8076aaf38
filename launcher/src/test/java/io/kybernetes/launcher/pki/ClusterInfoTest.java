package io.kybernetes.launcher.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClusterInfoTest {

    static final BootstrapToken TOKEN = BootstrapToken.parse("abcdef.0123456789abcdef");
    static final CertificateAuthority CA = CertificateAuthority.create("kubernetes", Clock.systemUTC());
    static final String KUBECONFIG = "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: "
            + Base64.getEncoder().encodeToString(Pem.encode(CA.cert()).getBytes(StandardCharsets.US_ASCII))
            + "\n    server: https://192.0.2.2:6443\n  name: \"\"\ncontexts: null\ncurrent-context: \"\"\nkind: Config\n"
            + "preferences: {}\nusers: null\n";

    /** The JWS computed here from the definition, independently of ClusterInfo: HS256 over header.payload. */
    static String vector(String token, String kubeconfig) throws Exception {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String header = url.encodeToString("{\"alg\":\"HS256\",\"kid\":\"abcdef\"}".getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] sig = mac.doFinal((header + "." + url.encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII));
        return header + ".." + url.encodeToString(sig);
    }

    @Test
    void fixedVector() throws Exception {
        // HS256("abcdef.0123456789abcdef", b64url({"alg":"HS256","kid":"abcdef"}) + "." + b64url("hello\n"))
        // (the same value as Python's hmac.new(token, header + "." + payload, sha256), base64url without padding)
        String jws = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiY2RlZiJ9..Nmzc8CehfoQsP57qiB7q1jv8HQijFEBsg4hWccY9xeU";
        assertEquals(jws, vector("abcdef.0123456789abcdef", "hello\n"));
        assertEquals(jws, ClusterInfo.sign("hello\n", TOKEN));
        // the signature verifies (what fails then is the missing CA of this payload)
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> ClusterInfo.verify("hello\n", jws, TOKEN));
        assertTrue(e.getMessage().contains("no certificate-authority-data"), e.getMessage());
    }

    @Test
    void verifiesAndReadsTheCa() throws Exception {
        ClusterInfo info = ClusterInfo.verify(KUBECONFIG, vector(TOKEN.value(), KUBECONFIG), TOKEN);
        assertEquals(CA.cert(), info.ca());
        assertEquals("https://192.0.2.2:6443", info.server());
    }

    @Test
    void quotedScalarsAreRead() throws Exception {
        String quoted = KUBECONFIG.replaceAll("certificate-authority-data: (\\S+)", "certificate-authority-data: \"$1\"")
                .replace("server: https://192.0.2.2:6443", "server: 'https://192.0.2.2:6443'");
        ClusterInfo info = ClusterInfo.verify(quoted, vector(TOKEN.value(), quoted), TOKEN);
        assertEquals(CA.cert(), info.ca());
        assertEquals("https://192.0.2.2:6443", info.server());
    }

    @Test
    void wrongTokenIsRefused() throws Exception {
        String jws = vector(TOKEN.value(), KUBECONFIG);
        BootstrapToken other = BootstrapToken.parse("abcdef.0123456789abcdee");
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> ClusterInfo.verify(KUBECONFIG, jws, other));
        assertTrue(e.getMessage().contains("token is wrong"), e.getMessage());
        assertTrue(!e.getMessage().contains("0123456789abcdee"), "the secret must not be printed");
    }

    @Test
    void tamperedKubeconfigIsRefused() throws Exception {
        String jws = vector(TOKEN.value(), KUBECONFIG);
        assertThrows(GeneralSecurityException.class, () -> ClusterInfo.verify(
                KUBECONFIG.replace("192.0.2.2", "192.0.2.66"), jws, TOKEN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a.b", "a.b.c", "eyJhbGciOiJub25lIn0..AAAA", "!!!..AAAA"})
    void malformedSignaturesAreRefused(String jws) {
        assertThrows(GeneralSecurityException.class, () -> ClusterInfo.verify(KUBECONFIG, jws, TOKEN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abcdef", "ABCDEF.0123456789abcdef", "abcde.0123456789abcdef",
            "abcdef.0123456789abcde", "abcdef:0123456789abcdef"})
    void badTokensAreRefused(String token) {
        assertThrows(IllegalArgumentException.class, () -> BootstrapToken.parse(token));
    }

    @Test
    void tokenHidesItsSecret() {
        assertEquals("abcdef.****************", TOKEN.toString());
        assertEquals("abcdef.0123456789abcdef", TOKEN.value());
    }

    @Test
    void bootstrapKubeconfigCarriesServerCaAndToken() throws Exception {
        String yaml = JoinMain.bootstrapKubeconfig("https://192.0.2.2:6443", CA.cert(), TOKEN);
        assertTrue(yaml.contains("    server: https://192.0.2.2:6443\n"));
        assertTrue(yaml.contains("    token: abcdef.0123456789abcdef\n"));
        assertEquals(CA.cert(), ClusterInfo.verify(yaml, ClusterInfo.sign(yaml, TOKEN), TOKEN).ca());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--token=x", "--server=http://h:1 --token=abcdef.0123456789abcdef --bootstrap-kubeconfig=/tmp/x",
            "--bogus=1", "stray"})
    void badUsage(String args) {
        var out = new java.io.ByteArrayOutputStream();
        int rc = JoinMain.run(args.split(" "), new java.io.PrintStream(out), new java.io.PrintStream(out),
                Clock.systemUTC());
        assertEquals(2, rc, out.toString());
    }
}
