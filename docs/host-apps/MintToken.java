// Mint a Privacy Center handoff token on a JVM backend (Java 11+, no
// libraries), byte for byte as the server checks it. Kotlin backends can call
// this class or port it line by line. See docs/host-apps.md.
// Try it: java MintToken.java APP USER KEY_HEX
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat; // Java 17+; on 11 decode the hex by hand
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public final class MintToken {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** app and user must be plain ASCII ids (user: 1-128 printable, no spaces, no quotes or backslashes). */
    public static String mint(String app, String user, String keyHex, long ttlSecs) throws Exception {
        byte[] jti = new byte[16];
        RANDOM.nextBytes(jti);
        long exp = System.currentTimeMillis() / 1000 + ttlSecs; // at most 120 s ahead
        String claims = "{\"v\":1,\"app\":\"" + app + "\",\"sub\":\"" + user
                + "\",\"exp\":" + exp + ",\"jti\":\"" + HexFormat.of().formatHex(jti) + "\"}";
        String first = B64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        // The key is the hex-decoded bytes, not the hex text.
        mac.init(new SecretKeySpec(HexFormat.of().parseHex(keyHex.trim()), "HmacSHA256"));
        byte[] sig = mac.doFinal(first.getBytes(StandardCharsets.US_ASCII));
        return first + "." + B64URL.encodeToString(sig);
    }

    public static void main(String[] args) throws Exception {
        System.out.println(mint(args[0], args[1], args[2], 60));
    }
}
