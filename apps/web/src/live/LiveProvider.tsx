import type { LiveServerMessage, LiveTopic } from '@ecogrid/contracts';
import {
  createContext,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { useSession } from '../auth/session';
import { LiveClient, liveUrl, type ConnectionState, type SocketFactory } from './live-client';

const LiveContext = createContext<LiveClient | null>(null);

export interface LiveProviderProps {
  children: ReactNode;
  createSocket?: SocketFactory;
}

/** One live connection per signed-in tab, opened while the session lasts. */
export function LiveProvider({ children, createSocket }: LiveProviderProps) {
  const { tokens, status, accessToken } = useSession();
  const [client] = useState(
    () =>
      new LiveClient({
        url: liveUrl(window.location),
        getToken: () => tokens.accessToken,
        refreshToken: async () => {
          const outcome = await tokens.refresh();
          return outcome.ok ? outcome.response.accessToken : null;
        },
        ...(createSocket ? { createSocket } : {}),
      }),
  );
  const signedIn = status === 'authenticated';

  useEffect(() => {
    if (!signedIn) return;
    client.start();
    return () => client.stop();
  }, [client, signedIn]);

  // Every renewed token goes to the open connection before the old one expires.
  const previousToken = useRef(accessToken);
  useEffect(() => {
    if (accessToken && previousToken.current && accessToken !== previousToken.current) {
      client.reauthenticate(accessToken);
    }
    previousToken.current = accessToken;
  }, [accessToken, client]);

  useEffect(() => {
    const goOnline = () => {
      if (!signedIn) return;
      client.stop();
      client.start();
    };
    window.addEventListener('online', goOnline);
    return () => window.removeEventListener('online', goOnline);
  }, [client, signedIn]);

  return <LiveContext.Provider value={client}>{children}</LiveContext.Provider>;
}

function useLiveClient(): LiveClient {
  const client = useContext(LiveContext);
  if (!client) throw new Error('live hooks must be used inside <LiveProvider>');
  return client;
}

/**
 * Follows `topic` while the component is mounted (null: follow nothing). `onMessage` may change on
 * every render; only a different topic resubscribes.
 */
export function useLiveSubscription(
  topic: LiveTopic | null,
  onMessage: (message: LiveServerMessage) => void,
): void {
  const client = useLiveClient();
  const handler = useRef(onMessage);
  useEffect(() => {
    handler.current = onMessage;
  });
  const key = topic ? JSON.stringify(topic) : null;
  useEffect(() => {
    if (!key) return;
    return client.subscribe(JSON.parse(key) as LiveTopic, (message) => handler.current(message));
  }, [client, key]);
}

export function useConnectionState(): ConnectionState {
  const client = useLiveClient();
  return useSyncExternalStore(
    (onChange) => client.onStateChange(onChange),
    () => client.state,
  );
}
