package dev.herald.bench;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the generator's report as one line of JSON, by the JSON writer the hub itself uses
 * (Nimbus's); only the report's own rule is here: fractions to three decimals, NaN and infinities
 * as null. Stateless.
 */
final class Json {

  private Json() {}

  /** Maps (in their iteration order), lists, strings, numbers, booleans and null. */
  static String write(Map<String, ?> report) {
    @SuppressWarnings("unchecked")
    Map<String, Object> rounded = (Map<String, Object>) rounded(report);
    return JSONObjectUtils.toJSONString(rounded);
  }

  private static Object rounded(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((key, entry) -> out.put(String.valueOf(key), rounded(entry)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(entry -> out.add(rounded(entry)));
      return out;
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return null;
      }
      // Plain notation (1000, not 1E+3), as a reader of the report expects.
      return new BigDecimal(
          BigDecimal.valueOf(d)
              .setScale(3, RoundingMode.HALF_UP)
              .stripTrailingZeros()
              .toPlainString());
    }
    if (value == null || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    return value.toString();
  }
}
