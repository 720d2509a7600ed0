package io.modelkeeper.e2e.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class MergePatchTest {

  private final ObjectMapper json = new ObjectMapper();

  private JsonNode read(String text) throws Exception {
    return json.readTree(text.replace('\'', '"'));
  }

  @Test
  void listsAreReplacedNullsRemoveAndObjectsMerge() throws Exception {
    JsonNode target =
        read("{'spec':{'steps':[1,2,3],'replicas':2,'image':'x'},'status':{'phase':'Ready'}}");
    JsonNode patch = read("{'spec':{'steps':[5],'image':null,'gpus':0}}");
    assertThat(MergePatch.apply(target, patch))
        .isEqualTo(read("{'spec':{'steps':[5],'replicas':2,'gpus':0},'status':{'phase':'Ready'}}"));
    assertThat(target.path("spec").path("steps")).hasSize(3);
  }

  @Test
  void theChangeBecomesTopLevelJsonPatchOperations() throws Exception {
    JsonNode current = read("{'kind':'X','spec':{'a':1},'status':{'b':2}}");
    JsonNode wanted = read("{'kind':'X','spec':{'a':3},'metadata':{'name':'n'}}");
    assertThat(MergePatch.asJsonPatch(json, current, wanted))
        .isEqualTo(
            read(
                "[{'op':'add','path':'/spec','value':{'a':3}},{'op':'remove','path':'/status'},"
                    + "{'op':'add','path':'/metadata','value':{'name':'n'}}]"));
  }
}
