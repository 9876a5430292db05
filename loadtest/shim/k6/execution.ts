/**
 * The shim's `k6/execution` module, a default export only as in k6 v1.8.1
 * (internal/js/modules/k6/execution): exec.vu.idInTest, idInInstance, iterationInInstance,
 * iterationInScenario; exec.scenario.name, executor, iterationInTest, iterationInInstance.
 * Reading any other member (exec.test, exec.instance, exec.scenario.progress…) throws as not
 * implemented.
 */
import { notImplemented, vu } from '../vu/state.ts';

function members(what: string, implemented: Record<string, () => unknown>): object {
  return new Proxy(implemented, {
    get(target, property) {
      if (typeof property !== 'string') return undefined;
      const read = target[property];
      return read ? read() : notImplemented(`exec.${what}${what ? '.' : ''}${property}`);
    },
  });
}

function inVu<T>(read: () => T): () => T {
  return () => {
    if (vu.initContext) throw new Error('getting VU information in the init context is not supported');
    return read();
  };
}

function inScenario<T>(read: () => T): () => T {
  return () => {
    if (vu.phase !== 'vu' || vu.initContext) {
      throw new Error('getting scenario information outside of the VU context is not supported');
    }
    return read();
  };
}

const vuMembers = members('vu', {
  idInTest: inVu(() => vu.id),
  idInInstance: inVu(() => vu.id),
  iterationInInstance: inVu(() => vu.iteration),
  iterationInScenario: inVu(() => (vu.phase === 'vu' ? vu.iteration : 0)),
});

const scenarioMembers = members('scenario', {
  name: inScenario(() => vu.scenario!.name),
  executor: inScenario(() => vu.scenario!.executor),
  iterationInTest: inScenario(() => vu.iterationInTest),
  iterationInInstance: inScenario(() => vu.iterationInTest),
});

export default members('', { vu: () => vuMembers, scenario: () => scenarioMembers });
