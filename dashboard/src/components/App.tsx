import type { Actions } from '../actions';
import { useStore, type Store } from '../store';
import { Activity } from './Activity';
import { AgentsPanel } from './AgentsPanel';
import { BoardView } from './Board';
import { ActionsContext, useActions } from './context';
import type { ViewState } from '../view';
import { FilterBar, Header } from './Header';
import { HooksPanel } from './Hooks';
import { Inbox } from './Inbox';
import { KeyScreen } from './KeyScreen';
import { MergeQueuePanel } from './MergeQueue';
import { NewTaskDialog } from './NewTaskDialog';
import { Notices } from './Notices';
import { TaskDetail } from './TaskDetail';
import { AgentPage } from './AgentPage';
import { KeysDialog } from './Keys';
import { PlanView } from './PlanView';

/** Shows or collapses the agents and activity panels (the choice is kept by the browser). */
function SideToggle({ side }: { side: ViewState['side'] }) {
  const actions = useActions();
  const open = side === 'open';
  return (
    <button class="side-toggle" aria-expanded={open} data-testid="side-toggle"
      onClick={() => actions.side(open ? 'collapsed' : 'open')}>{open ? 'Hide agents and activity' : 'Show agents and activity'}</button>
  );
}

export function App({ store, actions }: { store: Store; actions: Actions }) {
  const { live, view, hooks } = useStore(store);
  return (
    <ActionsContext.Provider value={actions}>
      {view.keyPrompt ? <KeyScreen message={view.keyPrompt.message} tried={view.keyPrompt.tried} /> : (
        <div class="layout">
          <Header live={live} view={view} />
          {live.connection === 'disconnected' && (
            <div class="offline-banner" role="status" data-testid="offline">Server unreachable, retrying… Actions are paused until it is back.</div>
          )}
          <main class="main">
            <div class="board-area">
              {view.page.kind === 'board' && <><FilterBar live={live} view={view} /><BoardView live={live} view={view} /></>}
              {view.page.kind === 'plan' && <PlanView name={view.page.name} live={live} />}
              {view.page.kind === 'agent' && <AgentPage agentId={view.page.id} live={live} view={view} />}
            </div>
            <aside class="side">
              <Inbox live={live} view={view} />
              <MergeQueuePanel tasks={live.tasks} />
              <SideToggle side={view.side} />
              {view.side === 'open' && <>
                <AgentsPanel agents={live.agents} tasks={live.tasks} selected={view.filter.agentId} />
                <Activity entries={live.activity} filter={view.activityFilter} tasks={live.tasks} agents={live.agents} />
              </>}
            </aside>
          </main>
          {view.taskId && <TaskDetail taskId={view.taskId} live={live} view={view} />}
          {hooks.open && <HooksPanel hooks={hooks} />}
          {view.dialog === 'new-task' && <NewTaskDialog live={live} options={view.options} busy={view.busy} />}
          {view.dialog === 'keys' && <KeysDialog />}
        </div>
      )}
      <Notices notices={view.notices} />
    </ActionsContext.Provider>
  );
}
