// Builds a documented set of records with Kafka's Connect API and writes what Kafka's own converters make of
// them (JsonConverter, SimpleHeaderConverter, StringConverter, the number converters) as JSON on stdout.
// Run through generate.sh; the output is committed as src/converters/fixtures/kafka-golden.json.
// Every case name here has a twin in src/converters/fixtures/golden-cases.ts building the same data in TypeScript.

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.*;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.connect.converters.*;
import org.apache.kafka.connect.data.*;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.storage.StringConverter;

public class GenerateGolden {
    static final List<Map<String, Object>> WRITES = new ArrayList<>();
    static final List<Map<String, Object>> READS = new ArrayList<>();
    static final List<Map<String, Object>> HEADERS = new ArrayList<>();
    static final List<Map<String, Object>> HEADER_READS = new ArrayList<>();
    static final List<Map<String, Object>> BINARY = new ArrayList<>();

    static final Map<String, Object> SCHEMAS = Map.of("schemas.enable", "true");
    static final Map<String, Object> NO_SCHEMAS = Map.of("schemas.enable", "false");
    static final Map<String, Object> NUMERIC = Map.of("decimal.format", "NUMERIC");
    static final Map<String, Object> NO_REPLACE = Map.of("replace.null.with.default", "false");

    static JsonConverter json(Map<String, Object> config) {
        JsonConverter c = new JsonConverter();
        c.configure(config, false);
        return c;
    }

    static void write(String name, Map<String, Object> config, Schema schema, Object value) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("config", new TreeMap<>(config));
        try {
            byte[] out = json(config).fromConnectData("topic", schema, value);
            c.put("output", out == null ? null : new String(out, StandardCharsets.UTF_8));
        } catch (Exception e) {
            c.put("error", e.getMessage());
        }
        WRITES.add(c);
    }

    /** What Kafka reads from `input`: the schema (as JSON schema text) and the value re-written schemaless. */
    static void read(String name, Map<String, Object> config, String input) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("config", new TreeMap<>(config));
        c.put("input", input);
        try {
            SchemaAndValue sv = json(config).toConnectData("topic", input.getBytes(StandardCharsets.UTF_8));
            describe(c, sv);
        } catch (Exception e) {
            c.put("error", e.getMessage());
        }
        READS.add(c);
    }

    static void describe(Map<String, Object> c, SchemaAndValue sv) {
        Map<String, Object> describer = new HashMap<>(NUMERIC);
        describer.put("schemas.enable", "false");
        JsonConverter d = json(describer);
        c.put("schema", sv == null || sv.schema() == null ? null : d.asJsonSchema(sv.schema()).toString());
        if (sv == null || sv.value() == null) {
            c.put("value", null);
        } else {
            byte[] v = d.fromConnectData("topic", sv.schema(), sv.value());
            c.put("value", new String(v, StandardCharsets.UTF_8));
        }
    }

    static void header(String name, Schema schema, Object value) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        byte[] out = new SimpleHeaderConverter().fromConnectHeader("topic", "h", schema, value);
        c.put("output", out == null ? null : new String(out, StandardCharsets.UTF_8));
        HEADERS.add(c);
    }

    static void headerRead(String input) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("input", input);
        SchemaAndValue sv = new SimpleHeaderConverter().toConnectHeader("topic", "h", input.getBytes(StandardCharsets.UTF_8));
        describe(c, sv);
        HEADER_READS.add(c);
    }

    static void binary(String name, org.apache.kafka.connect.storage.Converter conv, Map<String, Object> config, Schema schema, Object value) {
        conv.configure(config, false);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("converter", conv.getClass().getSimpleName());
        c.put("config", new TreeMap<>(config));
        byte[] out = conv.fromConnectData("topic", schema, value);
        c.put("hex", out == null ? null : HexFormat.of().formatHex(out));
        BINARY.add(c);
    }

    static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> m = new HashMap<>(a);
        m.putAll(b);
        return m;
    }

    static java.util.Date date(long ms) {
        return new java.util.Date(ms);
    }

    public static void main(String[] args) throws Exception {
        // --- primitives, one envelope each ---
        write("int8", SCHEMAS, Schema.INT8_SCHEMA, (byte) -128);
        write("int16", SCHEMAS, Schema.INT16_SCHEMA, (short) 32767);
        write("int32", SCHEMAS, Schema.INT32_SCHEMA, -2147483648);
        write("int64 max", SCHEMAS, Schema.INT64_SCHEMA, Long.MAX_VALUE);
        write("int64 min", SCHEMAS, Schema.INT64_SCHEMA, Long.MIN_VALUE);
        write("boolean", SCHEMAS, Schema.BOOLEAN_SCHEMA, true);
        write("string escapes", SCHEMAS, Schema.STRING_SCHEMA, "q\"b\\s/t\tn\nr\rc\u0001\u001f del\u007f é ✓ 😀 \u2028");
        write("bytes", SCHEMAS, Schema.BYTES_SCHEMA, new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff});
        write("bytes empty", SCHEMAS, Schema.BYTES_SCHEMA, new byte[0]);
        float[] floats = {0.1f, 1.0f, -1.5f, 3.4028235E38f, 1.4E-45f, 1.17549435E-38f, 1.0E-5f, 0.001f, 9999999.0f, 1.0E7f, 123456.79f, 16777216.0f, 2.5E-4f, 0.3f, 1.0E10f};
        for (float f : floats) write("float32 " + Float.toString(f), SCHEMAS, Schema.FLOAT32_SCHEMA, f);
        double[] doubles = {0.0, -0.0, 1.0, 0.1, 0.3, 1.0E7, 9999999.999, 1.0E-3, 9.99E-4, 1.0E10, 1.0E21, 1.0E22, 1.0E23, 123456789.123, 5.0E-324, 4.9E-324, 2.2250738585072014E-308, 1.7976931348623157E308, -2.5E-7, 0.30000000000000004, 1.0E-5, 100.0, 12345678.9};
        for (double d : doubles) write("float64 " + Double.toString(d), SCHEMAS, Schema.FLOAT64_SCHEMA, d);
        write("float64 NaN", SCHEMAS, Schema.FLOAT64_SCHEMA, Double.NaN);
        write("float64 Infinity", SCHEMAS, Schema.FLOAT64_SCHEMA, Double.POSITIVE_INFINITY);
        write("float32 -Infinity", SCHEMAS, Schema.FLOAT32_SCHEMA, Float.NEGATIVE_INFINITY);

        // --- optional nulls and tombstones ---
        write("optional int32 null", SCHEMAS, Schema.OPTIONAL_INT32_SCHEMA, null);
        write("optional int32 null no schemas", NO_SCHEMAS, Schema.OPTIONAL_INT32_SCHEMA, null);
        write("tombstone", SCHEMAS, null, null);
        write("required null", SCHEMAS, Schema.INT32_SCHEMA, null);

        // --- logical types ---
        for (Map.Entry<String, Map<String, Object>> fmt : List.of(Map.entry("base64", SCHEMAS), Map.entry("numeric", merge(SCHEMAS, NUMERIC)))) {
            String f = fmt.getKey();
            write("decimal " + f + " 123.45", fmt.getValue(), Decimal.schema(2), new BigDecimal("123.45"));
            write("decimal " + f + " -0.01", fmt.getValue(), Decimal.schema(2), new BigDecimal("-0.01"));
            write("decimal " + f + " zero", fmt.getValue(), Decimal.schema(2), new BigDecimal("0.00"));
            write("decimal " + f + " 128 scale 0", fmt.getValue(), Decimal.schema(0), new BigDecimal("128"));
            write("decimal " + f + " -129 scale 0", fmt.getValue(), Decimal.schema(0), new BigDecimal("-129"));
            write("decimal " + f + " tiny", fmt.getValue(), Decimal.schema(8), new BigDecimal("0.00000012"));
            write("decimal " + f + " negative scale", fmt.getValue(), Decimal.schema(-2), new BigDecimal("1.23E+4"));
            write("decimal " + f + " 30 digits", fmt.getValue(), Decimal.schema(10), new BigDecimal("12345678901234567890.1234567890"));
        }
        write("date", SCHEMAS, org.apache.kafka.connect.data.Date.SCHEMA, date(19737L * 86400000L));
        write("date before epoch", SCHEMAS, org.apache.kafka.connect.data.Date.SCHEMA, date(-86400000L));
        write("time", SCHEMAS, Time.SCHEMA, date(45296789L));
        write("timestamp", SCHEMAS, Timestamp.SCHEMA, date(1705320000123L));
        write("timestamp negative", SCHEMAS, Timestamp.SCHEMA, date(-1L));

        // --- schema metadata ---
        Schema meta = SchemaBuilder.string().name("com.example.Code").version(3).doc("A \"code\"").parameter("length", "8").parameter("charset", "ascii").optional().build();
        write("schema metadata", SCHEMAS, meta, "ABCD1234");

        // --- containers ---
        Schema arr = SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build();
        write("array of optional strings", SCHEMAS, arr, Arrays.asList("a", null, "c"));
        write("array empty", SCHEMAS, SchemaBuilder.array(Schema.INT64_SCHEMA).build(), List.of());
        Schema smap = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build();
        Map<String, Integer> sm = new LinkedHashMap<>();
        sm.put("one", 1);
        sm.put("two", 2);
        sm.put("with \"quote\"", 3);
        write("map string keys", SCHEMAS, smap, sm);
        Schema imap = SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).build();
        Map<Integer, String> im = new LinkedHashMap<>();
        im.put(1, "one");
        im.put(-2, null);
        write("map int keys", SCHEMAS, imap, im);
        Schema point = SchemaBuilder.struct().name("Point").field("x", Schema.FLOAT64_SCHEMA).field("y", Schema.FLOAT64_SCHEMA).build();
        Schema pmap = SchemaBuilder.map(point, Schema.STRING_SCHEMA).build();
        Map<Struct, String> pm = new LinkedHashMap<>();
        pm.put(new Struct(point).put("x", 1.0).put("y", -2.5), "A");
        write("map struct keys", SCHEMAS, pmap, pm);

        // --- the order record: nested struct, array of structs, maps, optional nulls, defaults ---
        Schema line = SchemaBuilder.struct().name("shop.Line")
            .field("sku", Schema.STRING_SCHEMA)
            .field("qty", SchemaBuilder.int16().defaultValue((short) 1).build())
            .field("price", Decimal.schema(2))
            .build();
        Schema address = SchemaBuilder.struct().name("shop.Address").optional()
            .field("street", Schema.STRING_SCHEMA)
            .field("zip", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
        Schema order = SchemaBuilder.struct().name("shop.orders.Value").version(2).doc("An order")
            .field("id", Schema.INT64_SCHEMA)
            .field("customer", Schema.OPTIONAL_STRING_SCHEMA)
            .field("status", SchemaBuilder.string().defaultValue("NEW").build())
            .field("priority", SchemaBuilder.int32().optional().defaultValue(5).build())
            .field("total", Decimal.builder(2).optional().build())
            .field("day", org.apache.kafka.connect.data.Date.builder().optional().build())
            .field("at", Time.SCHEMA)
            .field("ts", Timestamp.SCHEMA)
            .field("paid", Schema.BOOLEAN_SCHEMA)
            .field("weight", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .field("ratio", Schema.FLOAT64_SCHEMA)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).build())
            .field("counts", SchemaBuilder.map(Schema.INT64_SCHEMA, Schema.INT32_SCHEMA).build())
            .field("lines", SchemaBuilder.array(line).build())
            .field("ship_to", address)
            .field("bill_to", address)
            .field("raw", Schema.OPTIONAL_BYTES_SCHEMA)
            .build();
        Struct o = new Struct(order)
            .put("id", 9007199254740993L)
            .put("customer", null)
            .put("priority", null)
            .put("total", new BigDecimal("1234.50"))
            .put("day", date(19737L * 86400000L))
            .put("at", date(3723004L))
            .put("ts", date(1705320000000L))
            .put("paid", false)
            .put("weight", 2.5f)
            .put("ratio", 0.1)
            .put("tags", List.of("new", "gift"))
            .put("attrs", new LinkedHashMap<>(Map.of("color", "red")))
            .put("counts", new LinkedHashMap<>(Map.of(10000000000L, 3)))
            .put("lines", List.of(
                new Struct(line).put("sku", "A-1").put("qty", (short) 2).put("price", new BigDecimal("9.99")),
                new Struct(line).put("sku", "B-2").put("price", new BigDecimal("-0.50"))))
            .put("ship_to", new Struct(address).put("street", "1 Main St").put("zip", null))
            .put("bill_to", null)
            .put("raw", new byte[] {104, 105});
        write("order", SCHEMAS, order, o);
        write("order numeric", merge(SCHEMAS, NUMERIC), order, o);
        write("order no replace", merge(SCHEMAS, NO_REPLACE), order, o);
        write("order no schemas", NO_SCHEMAS, order, o);

        // --- schemaless values ---
        Map<String, Object> free = new LinkedHashMap<>();
        free.put("a", 1L);
        free.put("b", "x");
        free.put("c", Arrays.asList(true, null, 2.5));
        free.put("d", new LinkedHashMap<>(Map.of("e", -7L)));
        write("schemaless map", SCHEMAS, null, free);
        write("schemaless map no schemas", NO_SCHEMAS, null, free);
        Map<Long, String> freeInt = new LinkedHashMap<>();
        freeInt.put(1L, "a");
        freeInt.put(2L, "b");
        write("schemaless int keys", NO_SCHEMAS, null, freeInt);
        write("schemaless string", NO_SCHEMAS, null, "plain");

        // --- reads: what Kafka makes of inputs ---
        String d2 = "{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,\"parameters\":{\"scale\":\"2\"}}";
        read("decimal from number", SCHEMAS, "{\"schema\":" + d2 + ",\"payload\":123.45}");
        read("decimal from base64", SCHEMAS, "{\"schema\":" + d2 + ",\"payload\":\"MDk=\"}");
        read("decimal long number", SCHEMAS, "{\"schema\":" + d2.replace("\"2\"", "\"20\"") + ",\"payload\":1234567890.12345678901234567890}");
        read("int64 max", SCHEMAS, "{\"schema\":{\"type\":\"int64\",\"optional\":false},\"payload\":9223372036854775807}");
        read("int64 near 2^53", SCHEMAS, "{\"schema\":{\"type\":\"int64\",\"optional\":false},\"payload\":9007199254740993}");
        read("leading zeros", SCHEMAS, "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":007}");
        read("whitespace and order", SCHEMAS, " {\n \"payload\" : 5 ,\n \"schema\" : {\"optional\":false,\"type\":\"int8\"} } ");
        read("null takes default", SCHEMAS, "{\"schema\":{\"type\":\"int32\",\"optional\":true,\"default\":42},\"payload\":null}");
        read("null keeps null without replace", merge(SCHEMAS, NO_REPLACE), "{\"schema\":{\"type\":\"int32\",\"optional\":true,\"default\":42},\"payload\":null}");
        read("missing field takes default", SCHEMAS, "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"default\":\"x\",\"field\":\"a\"},{\"type\":\"int32\",\"optional\":true,\"field\":\"b\"}],\"optional\":false},\"payload\":{}}");
        read("schema null", SCHEMAS, "{\"schema\":null,\"payload\":{\"x\":[1,2.5,\"s\",null,true]}}");
        read("plain json", NO_SCHEMAS, "{\"a\":1,\"b\":[1.5,\"x\"],\"c\":null}");
        read("plain big integer", NO_SCHEMAS, "[12345678901234567]");
        read("plain null", NO_SCHEMAS, "null");
        read("map int keys", SCHEMAS, "{\"schema\":{\"type\":\"map\",\"keys\":{\"type\":\"int32\",\"optional\":false},\"values\":{\"type\":\"string\",\"optional\":true},\"optional\":false},\"payload\":[[1,\"one\"],[-2,null]]}");
        read("envelope extra field", SCHEMAS, "{\"schema\":null,\"payload\":1,\"extra\":2}");
        read("envelope missing payload", SCHEMAS, "{\"schema\":{\"type\":\"int32\",\"optional\":false}}");
        read("envelope not an object", SCHEMAS, "[1,2]");
        read("unknown schema type", SCHEMAS, "{\"schema\":{\"type\":\"int128\",\"optional\":false},\"payload\":1}");
        read("required null", SCHEMAS, "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":null}");
        // Kafka coerces these silently; Tributary raises a DataError (see kafka-golden.test.ts).
        read("int8 out of range", SCHEMAS, "{\"schema\":{\"type\":\"int8\",\"optional\":false},\"payload\":300}");
        read("string for int32", SCHEMAS, "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":\"12\"}");
        read("decimal with more digits than its scale", SCHEMAS, "{\"schema\":" + d2 + ",\"payload\":1.234}");
        read("NaN string for double", SCHEMAS, "{\"schema\":{\"type\":\"double\",\"optional\":false},\"payload\":\"NaN\"}");

        // --- SimpleHeaderConverter ---
        header("string", Schema.STRING_SCHEMA, "hello, world");
        header("int8", Schema.INT8_SCHEMA, (byte) 7);
        header("int32", Schema.INT32_SCHEMA, 70000);
        header("int64", Schema.INT64_SCHEMA, Long.MIN_VALUE);
        header("float32", Schema.FLOAT32_SCHEMA, 0.1f);
        header("float64", Schema.FLOAT64_SCHEMA, 1.0E10);
        header("boolean", Schema.BOOLEAN_SCHEMA, false);
        header("bytes", Schema.BYTES_SCHEMA, new byte[] {1, 2, 3});
        header("array", SchemaBuilder.array(Schema.STRING_SCHEMA).build(), List.of("a", "b\"c", "d\\e"));
        Map<String, Integer> hm = new LinkedHashMap<>();
        hm.put("k1", 1);
        hm.put("k2", 2);
        header("map", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(), hm);
        Schema hs = SchemaBuilder.struct().field("name", Schema.STRING_SCHEMA).field("n", Schema.INT64_SCHEMA).field("ok", Schema.OPTIONAL_BOOLEAN_SCHEMA).build();
        header("struct", hs, new Struct(hs).put("name", "x").put("n", 5L).put("ok", null));
        header("decimal", Decimal.schema(3), new BigDecimal("-1.250"));
        header("date", org.apache.kafka.connect.data.Date.SCHEMA, date(19737L * 86400000L));
        header("time", Time.SCHEMA, date(45296789L));
        header("timestamp", Timestamp.SCHEMA, date(1705320000123L));
        header("null", Schema.OPTIONAL_STRING_SCHEMA, null);
        for (String in : List.of("true", "false", "null", "42", "-128", "300", "70000", "3000000000", "12345678901234567890", "1.5", "1.0", "0.5", "-2.25", "1e3", "hello world", "", "  ", "[1,2,3]", "[1,1000,70000]", "[1,\"a\"]", "[\"x\",\"y\"]", "[]", "{\"a\":1,\"b\":2}", "{\"a\":\"x\"}", "[1,2", "2024-01-15", "12:34:56.789Z", "2024-01-15T12:34:56.789Z", "true}", "{not a map",
                // Values.parseString's quirks, which InsertHeader's value.literal shares.
                "[1, null]", "[null, 1]", "{1:\"a\", 2:null}", "2024-13-45", "{\"a\":1 \"b\":2}", "[\"a\\\"b\", \"c\\\\d\"]",
                "2024-01-15T12\\:34\\:56.789Z", "{\"a\":{}, \"b\": {\"c\": 1}}", "[[], [1]]", "[[1], [2, 3]]", "+5", "007", ".5",
                "1 2", "42abc", "[-1, +2]", "{\"key with space\": \"value, with comma\"}", "{true: false, false: true}",
                "{foo: 3}", "[0 1 2]", "{null: 3}", "1.2.3", "-", "9223372036854775808", "1e300", "[1, 2.5]"))
            headerRead(in);

        // --- fixed-width and string converters ---
        binary("short", new ShortConverter(), Map.of(), Schema.INT16_SCHEMA, (short) -2);
        binary("integer", new IntegerConverter(), Map.of(), Schema.INT32_SCHEMA, 305419896);
        binary("long", new LongConverter(), Map.of(), Schema.INT64_SCHEMA, Long.MIN_VALUE + 1);
        binary("float", new FloatConverter(), Map.of(), Schema.FLOAT32_SCHEMA, 1.5f);
        binary("double", new DoubleConverter(), Map.of(), Schema.FLOAT64_SCHEMA, 0.1);
        binary("boolean true", new BooleanConverter(), Map.of(), Schema.BOOLEAN_SCHEMA, true);
        binary("boolean false", new BooleanConverter(), Map.of(), Schema.BOOLEAN_SCHEMA, false);
        binary("bytes", new ByteArrayConverter(), Map.of(), Schema.BYTES_SCHEMA, new byte[] {9, 8, 7});
        binary("string utf8", new StringConverter(), Map.of(), Schema.STRING_SCHEMA, "héllo ✓");
        binary("string utf16", new StringConverter(), Map.of("converter.encoding", "UTF-16"), Schema.STRING_SCHEMA, "hé");
        binary("string utf16le", new StringConverter(), Map.of("converter.encoding", "UTF-16LE"), Schema.STRING_SCHEMA, "hé");
        binary("string latin1", new StringConverter(), Map.of("converter.encoding", "ISO-8859-1"), Schema.STRING_SCHEMA, "hé");
        binary("string of int32", new StringConverter(), Map.of(), Schema.INT32_SCHEMA, 42);
        binary("string of float64", new StringConverter(), Map.of(), Schema.FLOAT64_SCHEMA, 1.0E10);

        // --- number texts: Java 19+ Double/Float.toString (Schubfach, as in Jackson's fast writer) ---
        List<List<String>> doubles64 = new ArrayList<>();
        List<List<String>> floats32 = new ArrayList<>();
        Random random = new Random(20240115);
        List<Double> ds = new ArrayList<>();
        for (int i = 0; i < 600; i++) ds.add(Double.longBitsToDouble(random.nextLong()));
        for (long e = 0; e < 2047; e += 9) {
            ds.add(Double.longBitsToDouble(e << 52));
            ds.add(Double.longBitsToDouble((e << 52) + 1));
            ds.add(Double.longBitsToDouble((e << 52) - 1));
        }
        for (long b = 1; b <= 40; b++) ds.add(Double.longBitsToDouble(b));
        for (int i = 0; i < 300; i++) ds.add(random.nextInt(2000000) / Math.pow(10, random.nextInt(30) - 10));
        for (double d : ds) {
            if (Double.isNaN(d) || Double.isInfinite(d)) continue;
            doubles64.add(List.of(Long.toHexString(Double.doubleToRawLongBits(d)), com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal.toString(d)));
        }
        List<Float> fs = new ArrayList<>();
        for (int i = 0; i < 600; i++) fs.add(Float.intBitsToFloat(random.nextInt()));
        for (int e = 0; e < 255; e++) {
            fs.add(Float.intBitsToFloat(e << 23));
            fs.add(Float.intBitsToFloat((e << 23) + 1));
            fs.add(Float.intBitsToFloat((e << 23) - 1));
        }
        for (int b = 1; b <= 40; b++) fs.add(Float.intBitsToFloat(b));
        for (int i = 0; i < 600; i++) fs.add((float) (random.nextInt(20000000) / Math.pow(10, random.nextInt(16) - 4)));
        for (float f : fs) {
            if (Float.isNaN(f) || Float.isInfinite(f)) continue;
            floats32.add(List.of(Integer.toHexString(Float.floatToRawIntBits(f)), com.fasterxml.jackson.core.io.schubfach.FloatToDecimal.toString(f)));
        }

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("kafka", AppInfoParser.getVersion());
        root.put("java", System.getProperty("java.version"));
        root.put("writes", WRITES);
        root.put("reads", READS);
        root.put("headers", HEADERS);
        root.put("headerReads", HEADER_READS);
        root.put("binary", BINARY);
        root.put("doubles", doubles64);
        root.put("floats", floats32);
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
    }
}
